from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkCalendarConfig(AppConfig):
    name = "gaoxin.workcalendar"
    verbose_name = _("工作日历")
