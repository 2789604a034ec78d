"""Piccolo configuration (PICCOLO_CONF=core.piccolo_conf): the process engine and
every app's tables and migrations — core's plus those installed plugins register."""

from piccolo.conf.apps import AppRegistry

from core import db
from core.plugins import piccolo_app_paths

DB = db.engine()
APP_REGISTRY = AppRegistry(apps=piccolo_app_paths(db.settings()))
