"""factory_boy factories for tests: one per model and one per role (zh_CN faker locale, valid USCCs)."""

from __future__ import annotations

import datetime as dt
import itertools
import random
from typing import Any

import factory
from stdnum.cn import uscc as stdnum_uscc

from gaoxin.accounts.models import User
from gaoxin.accounts.roles import Role
from gaoxin.registry.identity import search_text
from gaoxin.registry.models import (
    Department,
    Enterprise,
    Industry,
    Park,
    Qualification,
    QualificationType,
    Zone,
)

_serial = itertools.count(1)
_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def make_uscc(seed: int | None = None, *, region: str = "440400") -> str:
    """A USCC with a correct GB 32100-2015 check digit (9 = 工商, 1 = 企业, then region and organisation code)."""
    rng = random.Random(seed if seed is not None else next(_serial) * 7919)
    body = "91" + region + "".join(rng.choice(_ALPHABET) for _ in range(9))
    return body + stdnum_uscc.calc_check_digit(body)


def bad_check_digit(code: str) -> str:
    """The same code with a wrong check digit."""
    wrong = next(c for c in _ALPHABET if c != code[-1])
    return code[:-1] + wrong


class ZoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Zone

    name = "珠海高新技术产业开发区"
    short_name = "珠海高新区"
    city = "珠海市"
    region_code = "440400"


class ParkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Park
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"P{n:02d}")
    name = factory.Sequence(lambda n: f"第{n}园区")
    short_name = factory.Sequence(lambda n: f"{n}园")


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"D{n:02d}")
    name = factory.Sequence(lambda n: f"科室{n}")


class IndustryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Industry
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"I{n:03d}")
    name = factory.Sequence(lambda n: f"产业{n}")
    parent = None


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise

    uscc = factory.LazyFunction(make_uscc)
    name = factory.Sequence(lambda n: f"珠海测试科技{n}有限公司")
    park = factory.SubFactory(ParkFactory)
    contact_name = factory.Faker("name", locale="zh_CN")
    contact_phone = factory.Sequence(lambda n: f"138{n:08d}")
    founded_on = dt.date(2015, 3, 1)
    search_text = factory.LazyAttribute(lambda o: search_text(o.name, []))


def qualification_type(code: str) -> QualificationType:
    """A catalogue entry (loaded by the data migration)."""
    return QualificationType.objects.get(code=code)


class QualificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Qualification

    enterprise = factory.SubFactory(EnterpriseFactory)
    qtype = factory.LazyFunction(lambda: qualification_type("hnte"))
    recognized_on = dt.date(2024, 12, 1)
    valid_until = dt.date(2027, 11, 30)
    certificate_no = factory.Sequence(lambda n: f"GR2024440{n:05d}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Faker("name", locale="zh_CN")
    role = Role.OFFICER
    password = factory.PostGenerationMethodCall("set_password", "Passw0rd!Zone")

    @factory.post_generation
    def parks(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            self.parks.set(extracted)
        if create:
            self.save()


DEFAULT_PASSWORD = "Passw0rd!Zone"  # noqa: S105 (test accounts only)


def leader(**kw: Any) -> User:
    return UserFactory(role=Role.LEADER, **kw)


def officer(**kw: Any) -> User:
    return UserFactory(role=Role.OFFICER, **kw)


def park_officer(*parks: Park, **kw: Any) -> User:
    return UserFactory(role=Role.PARK_OFFICER, parks=list(parks) or [ParkFactory()], **kw)


def commissioner(**kw: Any) -> User:
    return UserFactory(role=Role.COMMISSIONER, **kw)


def expert(**kw: Any) -> User:
    return UserFactory(role=Role.EXPERT, **kw)


def finance(**kw: Any) -> User:
    return UserFactory(role=Role.FINANCE, **kw)


def admin(**kw: Any) -> User:
    return UserFactory(role=Role.ADMIN, **kw)


def enterprise_user(enterprise: Enterprise | None = None, **kw: Any) -> User:
    return UserFactory(role=Role.ENTERPRISE, enterprise=enterprise or EnterpriseFactory(), **kw)
