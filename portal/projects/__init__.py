"""The catalogue: investment projects and industrial parks for investors, and their administration
by staff. Each sub-feature is a folder with its own blueprint."""
from flask import Flask


def init_app(app: Flask) -> None:
    """Register the sub-features' blueprints and the catalogue's template helpers."""
    from portal.projects import map as maps, operations
    from portal.projects.admin.exchange_rates import bp as exchange_rates
    from portal.projects.admin.views import bp as admin
    from portal.projects.catalogue.views import bp as catalogue
    from portal.projects.media.views import bp as media
    from portal.projects.parks.views import bp as parks
    from portal.projects.sectors_locations.views import bp as sectors_locations
    from portal.projects.shortlist.views import bp as shortlist
    from portal.projects.site_finder.views import bp as site_finder

    for blueprint in (catalogue, parks, site_finder, media, admin, sectors_locations, exchange_rates, shortlist):
        app.register_blueprint(blueprint)
    maps.init_app(app)
    app.add_template_global(operations.title_of)
    app.add_template_global(operations.action_label, "audit_action_label")
