"""``flask create-user``: the first administrator, and any staff account from the shell."""
import click
from flask.cli import with_appcontext

from portal.auth.models import Role
from portal.auth.operations import AccountError, create_user
from portal.extensions import db
from portal.i18n import LANGUAGES


@click.command("create-user")
@click.argument("email")
@click.option("--name", required=True, help="The person's name as colleagues see it.")
@click.option("--role", type=click.Choice([role.value for role in Role]), default=Role.OFFICER.value,
              show_default=True)
@click.option("--language", type=click.Choice(LANGUAGES), default="vi", show_default=True,
              help="Language of the back office for this person.")
@click.option("--password", help="Asked for when left out (it then stays out of the shell history).")
@with_appcontext
def create_user_command(email: str, name: str, role: str, language: str, password: str | None) -> None:
    """Create a staff account."""
    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = create_user(email, name, role, password, language)
    except AccountError as error:
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(f"Created {user.role} {user.email}.")
