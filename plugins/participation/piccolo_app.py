"""The participation module's Piccolo app: its tables and migrations."""

from pathlib import Path

from piccolo.conf.apps import AppConfig, table_finder

APP_CONFIG = AppConfig(
    app_name="participation",
    migrations_folder_path=Path(__file__).parent / "piccolo_migrations",
    table_classes=table_finder(modules=["plugins.participation.tables"], exclude_imported=True),
    migration_dependencies=["core.piccolo_app"],
)
