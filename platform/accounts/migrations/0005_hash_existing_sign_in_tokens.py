"""Convert DRF's plaintext tokens (``authtoken_token``) into digest-only sign-in tokens.

Each existing key is hashed in place into an ``accounts.AuthToken``, so that API clients
signed in before the upgrade keep working, and the plaintext table is dropped. The table is
looked up in the schema being migrated only (never through the search path, which also holds
the public schema); a schema that never had it is left as it is.
"""

import hashlib

from django.db import migrations

OLD_TABLE = "authtoken_token"


def _old_table_exists(cursor) -> bool:
    cursor.execute(
        "SELECT 1 FROM information_schema.tables "
        "WHERE table_schema = current_schema() AND table_name = %s",
        [OLD_TABLE],
    )
    return cursor.fetchone() is not None


def hash_existing_tokens(apps, schema_editor):
    AuthToken = apps.get_model("accounts", "AuthToken")
    User = apps.get_model("accounts", "User")
    with schema_editor.connection.cursor() as cursor:
        if not _old_table_exists(cursor):
            return
        cursor.execute("SELECT key, user_id, created FROM authtoken_token")
        rows = cursor.fetchall()
        passwords = dict(
            User.objects.filter(pk__in={user_id for _, user_id, _ in rows}).values_list(
                "pk", "password"
            )
        )
        for key, user_id, created in rows:
            token = AuthToken.objects.create(
                user_id=user_id,
                digest=hashlib.sha256(key.encode()).hexdigest(),
                # as accounts.models.password_fingerprint
                password_fingerprint=hashlib.sha256(passwords[user_id].encode()).hexdigest(),
            )
            AuthToken.objects.filter(pk=token.pk).update(created_at=created)
        cursor.execute("DROP TABLE authtoken_token CASCADE")
        cursor.execute("DELETE FROM django_migrations WHERE app = 'authtoken'")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_auth_tokens_and_company_invitations")]

    operations = [migrations.RunPython(hash_existing_tokens, migrations.RunPython.noop)]
