from django.urls import path

from broadsheet.stories import views

app_name = "stories"
urlpatterns = [
    path("<int:pk>/", views.story, name="story"),
]
