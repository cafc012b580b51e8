from django.apps import AppConfig


class Config(AppConfig):
    name = "broadsheet.articles"
    label = "articles"
