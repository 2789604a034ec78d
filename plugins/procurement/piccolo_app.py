"""The procurement plugin's Piccolo app."""

from pathlib import Path

from piccolo.conf.apps import AppConfig, table_finder

APP_CONFIG = AppConfig(
    app_name="procurement",
    migrations_folder_path=Path(__file__).parent / "piccolo_migrations",
    table_classes=table_finder(modules=["plugins.procurement.tables", "plugins.procurement.delivery_tables",
                                      "plugins.procurement.evaluation_tables"],
                               exclude_imported=True),
    migration_dependencies=["core.piccolo_app"],
)
