"""Leads: every inquiry, site-visit request and referral, and the pipeline staff follow them through
until the investment is registered. Each sub-feature is a folder with its own blueprint."""
from flask import Flask


def init_app(app: Flask) -> None:
    """Register the sub-features' blueprints, the template helpers, the e-mails the sender renders
    and the ``reminders`` and ``reports`` commands."""
    from portal.leads import mails, promise, template_helpers
    from portal.leads.capture import site_needs
    from portal.leads.capture.views import bp as capture
    from portal.leads.companies.issues.views import bp as issues, public_bp as investor_support
    from portal.leads.companies.views import bp as companies
    from portal.leads.correspondence.operations import record_sent_follow_up
    from portal.leads.correspondence.views import bp as correspondence
    from portal.leads.models import SCHEDULED_KIND
    from portal.outbox.delivery import when_sent
    from portal.leads.follow.views import bp as follow
    from portal.leads.imports.views import bp as imports
    from portal.leads.mailbox.cli import mail_cli
    from portal.leads.mailbox.views import bp as mailbox
    from portal.leads.partners.views import bp as partners
    from portal.leads.personal_data.views import bp as personal_data
    from portal.leads.pipeline.views import bp as pipeline
    from portal.leads.pipeline_settings.views import bp as pipeline_settings
    from portal.leads.reminders import reminders_cli
    from portal.leads.reports import cache as report_cache
    from portal.leads.reports.cli import reports_cli
    from portal.leads.reports.views import bp as reports
    from portal.leads.visits.views import bp as visits

    for blueprint in (capture, follow, pipeline, correspondence, pipeline_settings, partners, imports, personal_data,
                      reports, mailbox, companies, visits, issues, investor_support):
        app.register_blueprint(blueprint)
    template_helpers.register(app)
    report_cache.init_app(app)
    when_sent(SCHEDULED_KIND, record_sent_follow_up)
    app.add_template_global(promise.response_promise)
    site_needs.register(app)
    mails.register()
    app.cli.add_command(reminders_cli)
    app.cli.add_command(reports_cli)
    app.cli.add_command(mail_cli)
