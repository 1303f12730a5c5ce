"""Every message the code base sends has a human label on Réglages › Modèles de messages."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest
from django.urls import reverse

import comptoir
from comptoir.messaging import defaults
from comptoir.messaging.models import MessageTemplate
from comptoir.messaging.services import templates_ensure

ROOT = Path(comptoir.__file__).parent
SENDERS = {"message_send", "templates_ensure"}
CODE_ARGUMENTS = {"template_code", "code"}


def _called(func: ast.expr) -> str:
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


class _Module:
    """One source file, read to find the template codes its sending calls use."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.tree = ast.parse(path.read_text(), str(path))
        self.parents = {
            child: parent
            for parent in ast.walk(self.tree)
            for child in ast.iter_child_nodes(parent)
        }
        self.imports = {
            alias.asname or alias.name: f"{node.module}.{alias.name}"
            for node in self.tree.body
            if isinstance(node, ast.ImportFrom) and node.module
            for alias in node.names
        }
        self.constants: dict[str, object] = {}
        for node in self.tree.body:
            if isinstance(node, ast.Assign | ast.AnnAssign):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    if isinstance(target, ast.Name) and node.value is not None:
                        self.constants[target.id] = node.value

    def _tables(self) -> set[str]:
        """Codes listed in the module's ``…TEMPLATES`` dicts (event → template code)."""
        codes = set()
        for name, value in self.constants.items():
            if "TEMPLATES" in name and isinstance(value, ast.Dict):
                codes |= {v.value for v in value.values if isinstance(v, ast.Constant)}
        return {c for c in codes if isinstance(c, str)}

    def _function_of(self, node: ast.AST) -> ast.FunctionDef | None:
        while node in self.parents:
            node = self.parents[node]
            if isinstance(node, ast.FunctionDef):
                return node
        return None

    def resolve(self, expr: ast.expr, depth: int = 0) -> set[str]:
        if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
            return {expr.value}
        if isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name):
            module = self.imports.get(expr.value.id)
            if module:
                value = getattr(importlib.import_module(module), expr.attr, None)
                return {value} if isinstance(value, str) else set()
        if isinstance(expr, ast.Name):
            constant = self.constants.get(expr.id)
            if isinstance(constant, ast.Constant) and isinstance(constant.value, str):
                return {constant.value}
            function = self._function_of(expr)
            names = [a.arg for a in function.args.args] if function else []
            if function and expr.id in names and depth < 3:
                # A parameter: what the module's calls of that function pass.
                position = names.index(expr.id)
                codes: set[str] = set()
                for call in ast.walk(self.tree):
                    if isinstance(call, ast.Call) and _called(call.func) == function.name:
                        passed = [
                            *call.args[position : position + 1],
                            *(k.value for k in call.keywords if k.arg == expr.id),
                        ]
                        for value in passed:
                            codes |= self.resolve(value, depth + 1)
                if codes:
                    return codes
            return self._tables()
        return set()

    def codes(self) -> tuple[set[str], list[str]]:
        found: set[str] = set()
        unresolved = []
        for node in ast.walk(self.tree):
            if not (isinstance(node, ast.Call) and _called(node.func) in SENDERS):
                continue
            for keyword in node.keywords:
                if keyword.arg in CODE_ARGUMENTS:
                    codes = self.resolve(keyword.value)
                    found |= codes
                    if not codes:
                        unresolved.append(f"{self.path.relative_to(ROOT)}:{node.lineno}")
        return found, unresolved


def codes_used_in_the_code_base() -> tuple[set[str], list[str]]:
    found: set[str] = set()
    unresolved: list[str] = []
    for path in sorted(ROOT.rglob("*.py")):
        parts = path.relative_to(ROOT).parts
        if "tests" in parts or "migrations" in parts:
            continue
        codes, lost = _Module(path).codes()
        found |= codes
        unresolved += lost
    return found, unresolved


def test_every_template_code_sent_or_ensured_has_a_label():
    codes, unresolved = codes_used_in_the_code_base()
    assert not unresolved, f"Template code not readable (use a literal or a constant): {unresolved}"
    # The scan does find the messages of every app that sends some.
    assert {
        "booking_confirmed",
        "reminder_same_day",
        "intervention_report",
        "ticket_reply",
        "portal_code",
        "survey_request",
    } <= codes
    assert not codes - set(defaults.LABELS), "Add these codes to messaging.defaults.LABELS"
    assert all(str(label) for label in defaults.LABELS.values())


@pytest.mark.django_db
def test_templates_created_on_first_use_show_their_label(manager_client, workspace):
    templates_ensure(
        workspace_id=workspace.pk,
        code="ticket_reply",
        subject="[{{ demande.reference }}] {{ demande.objet }}",
        email="Bonjour {{ client.nom }},\n\n{{ demande.reponse }}",
        sms="{{ demande.reponse }}",
    )
    page = manager_client.get(reverse("messaging:templates")).content.decode()
    assert "Réponse à une demande" in page
    assert ">ticket_reply<" not in page

    template = MessageTemplate.objects.get(workspace=workspace, code="ticket_reply", channel="sms")
    edit = manager_client.get(reverse("messaging:template_edit", args=[template.pk]))
    assert "<h1>Réponse à une demande" in edit.content.decode()
    # No default text kept for it here: no "reset" offered.
    assert reverse("messaging:template_reset", args=[template.pk]) not in edit.content.decode()
