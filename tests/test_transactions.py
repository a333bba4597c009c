"""One transaction per request: operations change and flush, and only the code that answers a
request or runs a command commits (the outbox's delivery and the mailbox reader too, message by
message). This reads the code itself, so a helper that starts committing on its own fails here, not
in production."""
import ast
from pathlib import Path

PORTAL = Path(__file__).resolve().parent.parent / "portal"
#: Decorators that make a function answer a request, end one, or run a command; the sign-in loader
#: answers for the request too (it ends an expired session, or notes that a live one was used).
HANDLER_DECORATORS = {"route", "get", "post", "errorhandler", "teardown_request", "command", "user_loader"}
#: Delivery claims and records each message in a transaction of its own, so two senders never clash;
#: the mailbox reader commits each reply before it marks it read, so a crash loses none.
COMMITS_ON_ITS_OWN = {"outbox/delivery.py", "leads/mailbox/fetch.py"}


def _decorator_names(function: ast.FunctionDef) -> set[str]:
    names = set()
    for decorator in function.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        names.add(target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", ""))
    return names


def _defines_blueprint(tree: ast.Module) -> bool:
    return any(isinstance(node, ast.Call) and getattr(node.func, "id", "") == "Blueprint" for node in ast.walk(tree))


def _transaction_ends(module: Path):
    """(function chain, line) of each ``db.session.commit()`` or ``rollback()`` in a module."""
    tree = ast.parse(module.read_text(), str(module))

    def visit(node, chain):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                yield from visit(child, chain + [child])
            elif (isinstance(child, ast.Call) and isinstance(child.func, ast.Attribute)
                  and child.func.attr in ("commit", "rollback") and ast.unparse(child.func.value) == "db.session"):
                yield chain, child.lineno
                yield from visit(child, chain)
            else:
                yield from visit(child, chain)

    return tree, list(visit(tree, []))


def test_only_request_handlers_commands_and_the_outbox_delivery_end_a_transaction():
    offenders = []
    for module in sorted(PORTAL.rglob("*.py")):
        relative = module.relative_to(PORTAL).as_posix()
        if relative in COMMITS_ON_ITS_OWN:
            continue
        tree, ends = _transaction_ends(module)
        for chain, line in ends:
            handled = any(_decorator_names(function) & HANDLER_DECORATORS for function in chain)
            view_helper = _defines_blueprint(tree) and len(chain) == 1  # e.g. one view's shared form handling
            if not (handled or view_helper):
                offenders.append(f"portal/{relative}:{line}")
    assert offenders == []


def test_no_operation_takes_a_commit_flag():
    flags = [f"{module.relative_to(PORTAL)}:{node.lineno}" for module in PORTAL.rglob("*.py")
             for node in ast.walk(ast.parse(module.read_text()))
             if isinstance(node, ast.arg) and node.arg == "commit"]
    assert flags == []


def test_this_check_finds_a_commit_in_an_operation(tmp_path):
    module = tmp_path / "operations.py"
    module.write_text("from portal.extensions import db\n\n\ndef assign(lead):\n    db.session.commit()\n")
    tree, ends = _transaction_ends(module)
    assert [(len(chain), line) for chain, line in ends] == [(1, 5)]
    assert not _decorator_names(ends[0][0][0]) & HANDLER_DECORATORS and not _defines_blueprint(tree)
