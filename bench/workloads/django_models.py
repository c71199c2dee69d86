"""The Django models (imported by django_orm.setup once settings are configured)."""

from django.db import models


class Journal(models.Model):
    timestamp = models.DateTimeField()
    level = models.SmallIntegerField()
    text = models.CharField(max_length=255)

    class Meta:
        app_label = "bench"
        db_table = "journal"
        managed = False


class JournalRel(models.Model):
    timestamp = models.DateTimeField()
    level = models.SmallIntegerField()
    text = models.CharField(max_length=255)
    parent = models.ForeignKey("self", null=True, on_delete=models.CASCADE, db_column="parent_id",
                               related_name="children")

    class Meta:
        app_label = "bench"
        db_table = "journal_rel"
        managed = False
