from django.urls import path

from gaoxin.workcalendar import views

app_name = "workcalendar"
urlpatterns = [path("", views.year_view, name="year")]
