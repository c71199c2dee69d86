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


class JournalScaled(models.Model):
    """The columns of journal, on the scaling tables journal_s1..3."""

    timestamp = models.DateTimeField()
    level = models.SmallIntegerField()
    text = models.CharField(max_length=255)

    class Meta:
        abstract = True


def _scaled(k: int) -> type:
    meta = type("Meta", (), {"app_label": "bench", "db_table": f"journal_s{k}", "managed": False})
    return type(f"JournalS{k}", (JournalScaled,), {"Meta": meta, "__module__": __name__})


JOURNAL_SCALED = [_scaled(k) for k in (1, 2, 3)]


class Person(models.Model):
    """memory_1m's table."""

    name = models.CharField(max_length=255)
    age = models.IntegerField()
    city = models.CharField(max_length=255)

    class Meta:
        app_label = "bench"
        db_table = "mem_person"
        managed = False
