"""A published report never changes: the database refuses to update or delete one.

The service and the admin already refuse; this catches anything else (a shell, raw SQL, a
future bug). Corrections are new rows (version + 1) that supersede the old one.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION reports_report_immutable() RETURNS trigger AS $$
BEGIN
    IF OLD.status = 'published' THEN
        RAISE EXCEPTION 'report % is published and immutable; issue a correction instead', OLD.id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER reports_report_immutable
    BEFORE UPDATE OR DELETE ON reports_report
    FOR EACH ROW EXECUTE FUNCTION reports_report_immutable();
"""

DROP = """
DROP TRIGGER IF EXISTS reports_report_immutable ON reports_report;
DROP FUNCTION IF EXISTS reports_report_immutable();
"""


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial")]

    operations = [migrations.RunSQL(CREATE, DROP)]
