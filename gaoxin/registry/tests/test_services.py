"""Registry services: validation, the USCC override, former names, audit trail, qualifications, ladder."""

import datetime as dt
from decimal import Decimal

import pytest

from gaoxin.core.errors import Conflict, PermissionDenied, ValidationFailed
from gaoxin.core.models import AuditEntry
from gaoxin.registry import selectors, services
from gaoxin.registry.models import Enterprise, EnterpriseStatus, Qualification
from gaoxin.testing import factories as f

pytestmark = pytest.mark.django_db


def test_create_enterprise_validates_and_audits() -> None:
    actor = f.officer()
    park = f.ParkFactory()
    code = f.make_uscc(1)
    e = services.enterprise_create(
        actor=actor, data={"uscc": code.lower(), "name": "珠海华芯微电子有限公司", "park": park}
    )
    assert e.uscc == code
    assert "zhhxwdzyxgs" in e.search_text
    entry = AuditEntry.objects.get(enterprise_id=e.pk)
    assert entry.action == "create"
    assert entry.actor == actor
    assert entry.changes["统一社会信用代码"] == [None, code]


def test_checksum_failure_refused_without_reason() -> None:
    with pytest.raises(ValidationFailed, match="校验位错误"):
        services.enterprise_create(
            actor=f.officer(), data={"uscc": "11440400MB2C80228H", "name": "某公司", "park": f.ParkFactory()}
        )
    assert not Enterprise.objects.exists()
    assert not AuditEntry.objects.exists()


def test_checksum_failure_accepted_deliberately_is_recorded() -> None:
    actor = f.officer()
    e = services.enterprise_create(
        actor=actor,
        data={"uscc": "11440400MB2C80228H", "name": "早期试点企业", "park": f.ParkFactory()},
        uscc_override_reason="福建早期试点代码，已核对营业执照原件",
    )
    assert e.uscc_overridden
    assert e.uscc_override_by == actor
    override = AuditEntry.objects.get(enterprise_id=e.pk, action="override")
    assert override.reason == "福建早期试点代码，已核对营业执照原件"


def test_length_error_is_never_overridable() -> None:
    with pytest.raises(ValidationFailed, match="应为18位"):
        services.enterprise_create(
            actor=f.officer(), data={"uscc": "1144", "name": "x", "park": f.ParkFactory()}, uscc_override_reason="试点"
        )


def test_duplicate_uscc_conflicts() -> None:
    e = f.EnterpriseFactory()
    with pytest.raises(Conflict, match="已在企业库中"):
        services.enterprise_create(actor=f.officer(), data={"uscc": e.uscc, "name": "另一家", "park": e.park})


def test_rename_keeps_former_name_and_searchable() -> None:
    e = f.EnterpriseFactory(name="珠海旧名科技有限公司")
    services.enterprise_update(
        actor=f.officer(), enterprise=e, data={"name": "珠海新名科技有限公司"}, reason="工商变更"
    )
    e.refresh_from_db()
    assert [n.name for n in e.former_names.all()] == ["珠海旧名科技有限公司"]
    found = selectors.enterprise_list(f.officer(), selectors.EnterpriseFilters(q="旧名"))
    assert list(found) == [e]
    entry = AuditEntry.objects.get(enterprise_id=e.pk, action="update")
    assert entry.changes == {"企业名称": ["珠海旧名科技有限公司", "珠海新名科技有限公司"]}
    assert entry.reason == "工商变更"


def test_update_without_change_writes_no_audit() -> None:
    e = f.EnterpriseFactory()
    services.enterprise_update(actor=f.officer(), enterprise=e, data={"name": e.name})
    assert not AuditEntry.objects.filter(enterprise_id=e.pk).exists()


def test_audit_shows_choice_labels_and_money() -> None:
    e = f.EnterpriseFactory()
    services.enterprise_update(
        actor=f.officer(),
        enterprise=e,
        data={"status": EnterpriseStatus.MOVED_OUT, "registered_capital": Decimal("5000000.00")},
    )
    entry = AuditEntry.objects.get(enterprise_id=e.pk)
    assert entry.changes["企业状态"] == ["存续", "迁出"]
    assert entry.changes["注册资本(元)"] == [None, "5000000"]


def test_park_officer_cannot_move_enterprise_out_of_their_parks() -> None:
    mine, other = f.ParkFactory(), f.ParkFactory()
    actor = f.park_officer(mine)
    e = f.EnterpriseFactory(park=mine)
    with pytest.raises(PermissionDenied):
        services.enterprise_update(actor=actor, enterprise=e, data={"park": other})
    e.refresh_from_db()
    assert e.park == mine


def test_leader_cannot_edit() -> None:
    e = f.EnterpriseFactory(name="原名")
    with pytest.raises(PermissionDenied):
        services.enterprise_update(actor=f.leader(), enterprise=e, data={"name": "改名"})
    e.refresh_from_db()
    assert e.name == "原名"
    assert not AuditEntry.objects.exists()


def test_contacts_update_ignores_officer_fields() -> None:
    e = f.EnterpriseFactory(name="原名")
    user = f.enterprise_user(e)
    services.enterprise_update_contacts(
        actor=user, enterprise=e, data={"contact_name": "王小明", "name": "被篡改", "is_above_scale": True}
    )
    e.refresh_from_db()
    assert e.contact_name == "王小明"
    assert e.name == "原名"
    assert e.is_above_scale is False


def test_contacts_update_of_another_enterprise_denied() -> None:
    mine, theirs = f.EnterpriseFactory(), f.EnterpriseFactory(contact_name="张三")
    with pytest.raises(PermissionDenied):
        services.enterprise_update_contacts(
            actor=f.enterprise_user(mine), enterprise=theirs, data={"contact_name": "李四"}
        )
    theirs.refresh_from_db()
    assert theirs.contact_name == "张三"


def test_qualification_default_validity_hnte_three_years() -> None:
    e = f.EnterpriseFactory()
    q = services.qualification_create(
        actor=f.officer(),
        enterprise=e,
        data={"qtype": f.qualification_type("hnte"), "recognized_on": dt.date(2023, 12, 19)},
    )
    assert q.valid_until == dt.date(2026, 12, 18)


def test_qualification_level_only_where_applicable() -> None:
    with pytest.raises(ValidationFailed, match="不分级别"):
        services.qualification_create(
            actor=f.officer(),
            enterprise=f.EnterpriseFactory(),
            data={"qtype": f.qualification_type("hnte"), "level": "national"},
        )


def test_qualification_end_before_start_refused() -> None:
    with pytest.raises(ValidationFailed, match="早于认定日期"):
        services.qualification_create(
            actor=f.officer(),
            enterprise=f.EnterpriseFactory(),
            data={
                "qtype": f.qualification_type("hnte"),
                "recognized_on": dt.date(2024, 1, 1),
                "valid_until": dt.date(2023, 1, 1),
            },
        )


def test_qualification_delete_needs_reason_and_audits() -> None:
    q = f.QualificationFactory()
    with pytest.raises(ValidationFailed):
        services.qualification_delete(actor=f.officer(), qualification=q, reason=" ")
    services.qualification_delete(actor=f.officer(), qualification=q, reason="证书撤销")
    assert not Qualification.objects.exists()
    assert AuditEntry.objects.get(action="delete").reason == "证书撤销"


def test_expiring_within_six_months() -> None:
    today = dt.date(2026, 11, 22)
    soon = f.QualificationFactory(valid_until=dt.date(2027, 3, 1))
    f.QualificationFactory(valid_until=dt.date(2027, 11, 30))  # later than 6 months
    f.QualificationFactory(valid_until=dt.date(2026, 11, 1))  # already expired
    gone = f.QualificationFactory(valid_until=dt.date(2027, 1, 1))
    Enterprise.objects.filter(pk=gone.enterprise_id).update(status=EnterpriseStatus.DEREGISTERED)
    assert list(selectors.qualifications_expiring(f.officer(), today=today)) == [soon]


def test_ladder_position_and_summary() -> None:
    today = dt.date(2026, 11, 22)
    e = f.EnterpriseFactory()
    f.QualificationFactory(
        enterprise=e,
        qtype=f.qualification_type("tech_sme"),
        recognized_on=dt.date(2025, 5, 1),
        valid_until=dt.date(2025, 12, 31),
    )
    f.QualificationFactory(enterprise=e, qtype=f.qualification_type("hnte"), valid_until=dt.date(2027, 11, 30))
    steps = {s["name"]: s["state"] for s in selectors.ladder_position(e, today=today)["steps"]}
    assert steps["科技型中小企业"] == "expired"
    assert steps["高新技术企业"] == "current"
    assert steps["上市企业"] == "none"
    summary = {s.name: s.count for s in selectors.ladder_summary(f.officer(), today=today)}
    assert summary["高新技术企业"] == 1
    assert summary["科技型中小企业"] == 0


def test_industry_cannot_become_its_own_ancestor() -> None:
    root = f.IndustryFactory(name="集成电路")
    child = f.IndustryFactory(name="芯片设计", parent=root)
    with pytest.raises(ValidationFailed, match="不能把产业挂到它自己"):
        services.industry_save(actor=f.officer(), industry=root, data={"parent": child})


def test_structure_edit_is_audited_and_admin_only_for_catalogue() -> None:
    park = services.park_save(
        actor=f.admin(), data={"code": "TJW", "name": "唐家湾主园区", "short_name": "唐家湾", "sort_order": 1}
    )
    assert AuditEntry.objects.filter(target_type="registry.park", target_id=str(park.pk)).count() == 1
    with pytest.raises(PermissionDenied):
        services.qualification_type_save(actor=f.officer(), data={"name": "新资质"})


def test_registry_counts_include_this_years_small_to_above() -> None:
    from django.utils import timezone

    today = timezone.localdate()
    f.EnterpriseFactory(is_above_scale=True, above_scale_since=today.replace(month=1, day=1))
    f.EnterpriseFactory(is_above_scale=True, above_scale_since=dt.date(today.year - 1, 12, 31))
    f.EnterpriseFactory(is_above_scale=False)
    f.EnterpriseFactory(is_above_scale=True, above_scale_since=today, status=EnterpriseStatus.MOVED_OUT)
    counts = selectors.registry_counts(f.leader())
    assert counts == {"total": 4, "active": 3, "above_scale": 2, "new_above_scale": 1}


# --- 核实事项 -----------------------------------------------------------------------------------------------------


def test_verified_matters_are_validated_audited_and_signal_a_new_evaluation(
    django_capture_on_commit_callbacks: object,
) -> None:
    from gaoxin.core import signals
    from gaoxin.registry.models import EnterpriseCheck

    actor, e = f.officer(), f.EnterpriseFactory()
    sent: list[dict[str, object]] = []

    def listen(sender: object, **kwargs: object) -> None:
        sent.append(kwargs)

    signals.facts_changed.connect(listen, dispatch_uid="test_checks")
    try:
        day = dt.date(2026, 3, 2)
        # A bad answer anywhere changes nothing and says which matter and what is wrong.
        with pytest.raises(ValidationFailed, match="被列入严重违法失信名单：请填写核实日期") as refused:
            services.checks_update(
                actor=actor,
                enterprise=e,
                answers={
                    "major_incident_last_year": {"value": False, "checked_on": day, "basis": "应急管理局函复"},
                    "serious_violation_listed": {"value": False, "checked_on": None, "basis": ""},
                },
            )
        assert refused.value.data == {"field": "serious_violation_listed-checked_on"}
        with pytest.raises(ValidationFailed, match="核实日期不能晚于今天"):
            services.checks_update(
                actor=actor,
                enterprise=e,
                answers={"restricted_industry": {"value": False, "checked_on": dt.date.today() + dt.timedelta(2)}},
            )
        with pytest.raises(ValidationFailed, match="没有“is_above_scale”这一项"):
            services.checks_update(
                actor=actor, enterprise=e, answers={"is_above_scale": {"value": True, "checked_on": day}}
            )
        assert not EnterpriseCheck.objects.exists()
        assert not AuditEntry.objects.exists()
        assert not sent

        answer = {"value": False, "checked_on": day, "basis": "应急管理局函复"}
        assert services.checks_update(actor=actor, enterprise=e, answers={"major_incident_last_year": answer}) == 1
        check = EnterpriseCheck.objects.get(enterprise=e)
        assert (check.value, check.checked_on, check.checked_by) == (False, day, actor)
        entry = AuditEntry.objects.get(enterprise_id=e.pk)
        assert entry.changes == {"上年度重大安全、质量、环境事故": [None, "否（2026-03-02，应急管理局函复）"]}
        assert sent == [{"signal": signals.facts_changed, "enterprise_ids": [e.pk], "reason": "核实事项变更"}]
        # The same answer again changes nothing; clearing it makes the matter unknown again (not "no").
        assert services.checks_update(actor=actor, enterprise=e, answers={"major_incident_last_year": answer}) == 0
        assert len(sent) == 1
        cleared = {"major_incident_last_year": {"value": None, "checked_on": None, "basis": ""}}
        assert services.checks_update(actor=actor, enterprise=e, answers=cleared) == 1
        assert not EnterpriseCheck.objects.exists()
        assert AuditEntry.objects.filter(enterprise_id=e.pk).count() == 2
    finally:
        signals.facts_changed.disconnect(dispatch_uid="test_checks")


def test_verified_matters_need_the_right_to_edit_the_enterprise() -> None:
    e = f.EnterpriseFactory()
    answer = {"major_incident_last_year": {"value": False, "checked_on": dt.date(2026, 3, 2)}}
    for actor in (f.leader(), f.expert(), f.enterprise_user(e)):
        with pytest.raises(PermissionDenied):
            services.checks_update(actor=actor, enterprise=e, answers=answer)
    assert not e.checks.exists()


def test_profile_rows_list_every_matter_and_mark_old_answers() -> None:
    from gaoxin.registry.models import EnterpriseCheck

    e = f.EnterpriseFactory()
    EnterpriseCheck.objects.create(
        enterprise=e, name="serious_violation_listed", value=False, checked_on=dt.date(2025, 1, 2)
    )
    EnterpriseCheck.objects.create(enterprise=e, name="restricted_industry", value=True, checked_on=dt.date(2026, 3, 2))
    rows = selectors.check_rows(e, today=dt.date(2026, 3, 10))
    assert len(rows) == 8
    assert [row["check"] is not None for row in rows].count(True) == 2
    by_label = {row["label"]: row for row in rows}
    listed, restricted = by_label["被列入严重违法失信名单"], by_label["属于禁止、限制类行业"]
    assert (listed["answer"], listed["old"]) == ("未被列入严重违法失信名单", True)
    assert (restricted["answer"], restricted["old"]) == ("属于国家禁止或限制类行业", False)
    assert by_label["近五年主导制定标准"]["answer"] is None
