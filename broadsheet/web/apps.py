from django.apps import AppConfig


class Config(AppConfig):
    name = "broadsheet.web"
    label = "web"
