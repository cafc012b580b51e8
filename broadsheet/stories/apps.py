from django.apps import AppConfig


class Config(AppConfig):
    name = "broadsheet.stories"
    label = "stories"
