"""The database: Peewee models, opening and upgrading the store, its indexes, seeding, noticing others' commits."""
