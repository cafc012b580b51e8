from django.contrib import admin

from broadsheet.stories.models import Member, Story


class MemberInline(admin.TabularInline):
    model = Member
    fields = ("article", "published", "score")
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Story)
class StoryAdmin(admin.ModelAdmin):
    list_display = ("headline", "article_count", "source_count", "country_count", "first_published", "last_published")
    list_filter = ("merged_into",)
    search_fields = ("headline",)
    readonly_fields = ("first_published", "last_published", "article_count", "source_count", "country_count", "merged_into")
    exclude = ("centroid",)
    inlines = [MemberInline]
