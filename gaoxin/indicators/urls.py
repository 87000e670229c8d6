from django.urls import path

from gaoxin.indicators import views

app_name = "monitoring"
urlpatterns = [
    path("", views.cockpit, name="cockpit"),
    path("breakdown/", views.drill, name="drill"),
    path("enterprises/", views.enterprises, name="enterprises"),
    path("weekly/", views.weekly, name="weekly"),
    path("small-to-above/", views.small_to_above, name="small_to_above"),
]
