"""Open Referral HSDS 3.1 CSV: read, validate, map to and from the Juntos directory, write.

`import_directory` / `export_directory` (in `storage.hsds.transfer`) are the entry points; the
pure parts (`plan_import`, `directory_tables`) can be used without a database.
"""

from storage.hsds.csvio import TABLES, Problem, read_tables
from storage.hsds.exporting import directory_tables, write_directory
from storage.hsds.importing import ImportPlan, plan_import
from storage.hsds.references import lookup_request
from storage.hsds.transfer import ImportReport, export_directory, import_directory

__all__ = [
    "TABLES",
    "ImportPlan",
    "ImportReport",
    "Problem",
    "directory_tables",
    "export_directory",
    "import_directory",
    "lookup_request",
    "plan_import",
    "read_tables",
    "write_directory",
]
