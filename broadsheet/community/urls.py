from django.urls import path

from broadsheet.community import views

app_name = "community"
urlpatterns = [
    path("<slug:kind>/<int:pk>/comment/", views.post, name="post"),
    path("comment/<int:pk>/edit/", views.edit, name="edit"),
    path("comment/<int:pk>/delete/", views.delete, name="delete"),
    path("comment/<int:pk>/report/", views.report, name="report"),
    path("u/<str:username>/", views.profile, name="profile"),
    path("account/", views.account, name="account"),
    path("account/delete/", views.delete_account, name="delete_account"),
]
