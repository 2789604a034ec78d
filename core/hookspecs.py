"""Every hook a Sanshe plugin can implement — this file is their documentation.

Families: `register_*` hooks return a list of contributions (see `core.contrib`);
lifecycle hooks are plain verbs; events are past tense and return nothing.
A plugin implements any subset with `@hookimpl` (re-exported by `core`).
"""

from __future__ import annotations

import pluggy

PROJECT = "sanshe"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


# --- registration: each returns a list -------------------------------------------------


@hookspec
def register_modules():
    """Return the ModuleSpecs (name, labels, typed settings) that districts can enable."""


@hookspec
def register_piccolo_apps():
    """Return dotted paths of Piccolo `piccolo_app` modules: the plugin's tables and migrations."""


@hookspec
def register_routes():
    """Return Litestar route handlers, controllers or routers; declare access in `opt`."""


@hookspec
def register_permissions():
    """Return the Permissions the plugin checks, each with the roles that hold it by default."""


@hookspec
def register_roles():
    """Return Roles (name, labels, scope kind, permissions); roles are data, not code."""


@hookspec
def register_nav_items():
    """Return NavItems shown in a district's navigation when the module is enabled there."""


@hookspec
def register_dashboard_widgets():
    """Return DashboardWidgets shown on a district home when the module is enabled there."""


@hookspec
def register_workbench_items():
    """Return WorkbenchProviders: for a district where the module is enabled and a principal,
    the to-do cards (label, count, link, tone) shown on that user's workbench (工作台)."""


@hookspec
def register_datasets():
    """Return open Datasets; only their declared public columns are ever published."""


@hookspec
def register_data_services():
    """Return DataServices: open-data APIs (endpoint, OpenAPI description, standard) the DCAT
    catalogue lists as `dcat:DataService` where the module is enabled."""


@hookspec
def register_search_documents():
    """Return SearchDocuments sources: index name, fields and a document iterator."""


@hookspec
def register_supervision_rules():
    """Return SupervisionRules whose checks raise flags on auditable records."""


@hookspec
def register_auditable_records():
    """Return AuditableRecords sources: record kinds supervisors can sample and audit."""


@hookspec
def register_referrers():
    """Return Referrers: for each kind of registry record (community, organisation, person) the
    plugin's records refer to, how many refer to one; core refuses (409) to delete a referred record."""


@hookspec
def register_indicators():
    """Return Indicators (core.contrib.Indicator): the module's figures for the district and city
    dashboards — definition, unit, source, default policy target, and a `compute(ctx, district_code,
    at)` giving numerator and denominator at a date; shown "未启用" where the module is off."""


@hookspec
def register_profile_sections():
    """Return ProfileSections (core.contrib.ProfileSection): the module's parts of the profile of a
    community, an organisation or a person, each with its access rule and a `build(ctx,
    district_code, key, principal)` giving facts and items; left out where the module is off."""


@hookspec
def register_audit_words():
    """Return AuditWords: how the module's audit events (its record kinds, actions, payload
    fields and stored values) read in Chinese on the audit trail."""


@hookspec
def register_commands():
    """Return Commands added to the `sanshe` CLI (e.g. `sanshe talent import`)."""


@hookspec
def register_template_dirs():
    """Return folders of Jinja templates the plugin's pages render."""


@hookspec
def register_static_dirs():
    """Return (plugin name, folder) pairs: the folder's files are served publicly at
    `/static/<plugin name>/…` (page scripts, since the CSP forbids inline script)."""


# --- lifecycle ------------------------------------------------------------------------


@hookspec
async def startup(app):
    """Run once when the web app starts (after migrations, before the first request)."""


@hookspec
async def shutdown(app):
    """Run when the web app stops, before the database pool closes (stop background tasks)."""


@hookspec
async def load_demo(district, ctx):
    """Load the plugin's demo data for a DistrictConfig; must be safe to run twice.
    `ctx` is the AppContext (contributions, districts, settings). Implementations run in
    reverse registration order: mark one `@hookimpl(trylast=True)` to run after the rest
    (e.g. to use other modules' demo data)."""


# --- facts: what one module knows about shared registry records, for another ----------


@hookspec
async def organization_facts(ctx, district_code, organization_ids):
    """Return `{organization_id: {key: value}}`: facts the module knows about these organisations
    of the district (keys and types in `core.contrib.ORGANIZATION_FACTS`), or None where the
    module is not enabled. Core merges the answers (`core.facts.organization_facts`)."""


@hookspec
async def organization_workers(ctx, district_code, organization_id):
    """Return the organisation's certified social workers on staff, as dicts `{worker_id,
    person_id, name, qualification}` (full names: callers mask them for others), or None where
    the module keeps no workers or is not enabled (`core.facts.organization_workers`)."""


# --- events ---------------------------------------------------------------------------


@hookspec
async def module_enabled(district_code, module, actor):
    """A district admin enabled `module` for the district (already committed and audited)."""


@hookspec
async def module_disabled(district_code, module, actor):
    """A district admin disabled `module` for the district (already committed and audited)."""


@hookspec
async def user_logged_in(user_id, username):
    """A user logged in with a password."""


# --- linkage between modules ------------------------------------------------------------


@hookspec
async def offer_services(ctx, district_code, source, offers, status, actor):
    """A module offers the services one of its records runs (e.g. a purchase project in
    delivery) to the service catalogue, so the catalogue needs to know nothing of that module.
    `source` is the record's stable key (e.g. "procurement:<ocid>"), `offers` a list of
    core.contrib.ServiceOffer and `status` one of published | suspended | closed for all of
    them. Where the catalogue is enabled it creates or updates one service per offer (matched
    by source and name, inside the caller's transaction) and returns [{"id", "name",
    "status"}]; where it is off it returns None."""


@hookspec
async def offer_delivery_refs(ctx, district_code, organization_id):
    """Return [{"ref", "title"}]: records of the module (e.g. purchase projects in delivery
    awarded to the organisation) a social worker employed by `organization_id` may name on a
    service log, so the logged hours count as that record's delivery evidence."""


@hookspec
async def delivery_hours(ctx, district_code, refs):
    """Return {ref: {"hours", "logs", "beneficiaries", "workers"}} for the given delivery refs:
    the submitted, current (not superseded) service logs that name each ref, summed."""


@hookspec
async def rating_averages(ctx, district_code, refs):
    """Return {ref: {"average": 1..5, "count": n}} for those of the given refs (e.g. a purchase
    project's "procurement:<ocid>", the source its catalogue service carries) the module holds
    service users' ratings of; refs it knows nothing of are left out. Callers add up the answers
    of several modules (weighting each average by its count)."""


@hookspec
async def offer_needs(ctx, district_code, refs, field, community):
    """Return [{"ref", "title", "community", "field", "status", "status_label", "supporters",
    "linkable", "url"}]: residents' needs (需求) the module holds in the district, so that a
    purchase project can name the needs it answers. `ref` is the need's stable key (e.g.
    "participation:need:12"); `linkable` says whether a project may still name it (not
    declined or merged). With `refs` (a list), those of them the module holds, whatever their
    status; with `refs` None, the linkable ones, filtered by `field` and `community` where
    given (None: any), most supported first, at most 200. Where the module is off, None
    (so a caller can tell "no module collects needs" from "no needs")."""


@hookspec
async def need_answers(ctx, district_code, refs):
    """Return {need ref: [{"ref", "title", "url", "stage", "stage_label",
    "delivering_since"}]}: the module's records (e.g. purchase projects) that name these needs
    as needs they answer, so the module holding the need can show what answered it (and
    when a service started: `delivering_since`, None before). Refs no record names are left
    out; where the module is off, {}."""
