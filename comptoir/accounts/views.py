"""Views of accounts: workspace settings, users, the signed-in user's own account."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from comptoir.accounts import selectors, services
from comptoir.accounts.forms import (
    ApiTokenForm,
    ExtensionForm,
    RoleForm,
    UserInviteForm,
    WorkspaceForm,
)
from comptoir.accounts.lockout import lockout_minutes
from comptoir.accounts.models import ApiToken, Role, User

NEW_TOKEN_SESSION_KEY = "accounts:new_api_token"


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _admin(request: HttpRequest) -> User:
    """The signed-in workspace admin, or 403 for everyone else."""
    user = _user(request)
    if not user.is_workspace_admin or user.workspace_id is None:
        raise PermissionDenied
    return user


def _colleague(admin: User, pk: int) -> User:
    try:
        return selectors.colleague_detail(admin, pk)
    except User.DoesNotExist:
        raise Http404 from None


def _optional_url(name: str) -> str | None:
    """Settings pages of other apps, linked only once they exist."""
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def _settings_nav(user: User, current: str) -> dict[str, Any]:
    links: list[tuple[str, str, str]] = []
    if user.is_workspace_admin:
        links += [
            ("workspace", _("Espace"), reverse("accounts:settings")),
            ("users", _("Utilisateurs"), reverse("accounts:users")),
        ]
        for key, label, name in (
            ("lists", _("Listes de référence"), "contacts:reference_lists"),
            ("processes", _("Processus autorisés"), "activities:process_access"),
            ("messages", _("Modèles de messages"), "messaging:templates"),
        ):
            url = _optional_url(name)
            if url:
                links.append((key, label, url))
    elif user.is_manager and (url := _optional_url("messaging:templates")):
        links.append(("messages", _("Modèles de messages"), url))
    links.append(("account", _("Mon compte"), reverse("accounts:account")))
    return {"settings_links": links, "settings_current": current}


def _error_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


# --- Workspace identity ----------------------------------------------------------------------


@login_required
def settings_home(request: HttpRequest) -> HttpResponse:
    """Réglages › Espace: the workspace's identity (admins only)."""
    admin = _admin(request)
    workspace = admin.workspace
    assert workspace is not None
    if request.method == "POST":
        form = WorkspaceForm(request.POST, request.FILES, instance=workspace)
        if form.is_valid():
            fields = {k: v for k, v in form.cleaned_data.items() if k != "logo"}
            logo = form.cleaned_data.get("logo")
            if logo is False:
                fields["logo"] = ""
            elif logo and logo != workspace.logo:
                fields["logo"] = logo
            try:
                services.workspace_update(workspace=workspace, by=admin, **fields)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Les réglages de l'espace sont enregistrés."))
                return redirect("accounts:settings")
    else:
        form = WorkspaceForm(instance=workspace)
    return render(
        request,
        "accounts/settings_home.html",
        {"form": form, **_settings_nav(admin, "workspace")},
        status=400 if form.errors else 200,
    )


# --- Users ---------------------------------------------------------------------------------


@login_required
def users(request: HttpRequest) -> HttpResponse:
    """Réglages › Utilisateurs: roles, extensions, states, and what an admin can do about them."""
    return _users_page(request, _admin(request))


def _users_page(
    request: HttpRequest, admin: User, failed: dict[str, Any] | None = None
) -> HttpResponse:
    """The users page; ``failed`` keeps a refused extension (typed value, error) in its row."""
    colleagues = selectors.users_for(admin).order_by("-is_active", "first_name", "last_name", "id")
    return render(
        request,
        "accounts/users.html",
        {
            "users": colleagues,
            "roles": Role.choices,
            "locked_emails": selectors.locked_out_emails_for(admin),
            "lockout_minutes": lockout_minutes(),
            "failed": failed or {},
            **_settings_nav(admin, "users"),
        },
        status=400 if failed else 200,
    )


@require_POST
@login_required
def user_extension(request: HttpRequest, pk: int) -> HttpResponse:
    """An admin sets (or clears) a colleague's phone extension."""
    admin = _admin(request)
    colleague = _colleague(admin, pk)
    form = ExtensionForm(request.POST)
    value = form.cleaned_data["extension"] if form.is_valid() else ""
    try:
        services.user_set_extension(user=colleague, extension=value, by=admin)
    except ValidationError as exc:
        failed = {"pk": colleague.pk, "value": value, "error": _error_text(exc)}
        return _users_page(request, admin, failed)
    messages.success(request, _extension_saved(colleague, admin))
    return redirect(f"{reverse('accounts:users')}#user-{colleague.pk}")


def _extension_saved(user: User, by: User) -> str:
    if by.pk == user.pk:
        if user.extension:
            return _("Votre poste est enregistré : %(extension)s.") % {"extension": user.extension}
        return _("Vous n'avez plus de poste : le standard vous nommera par votre e-mail.")
    if user.extension:
        return _("Le poste de %(name)s est enregistré : %(extension)s.") % {
            "name": user,
            "extension": user.extension,
        }
    return _("%(name)s n'a plus de poste.") % {"name": user}


@login_required
def user_invite(request: HttpRequest) -> HttpResponse:
    admin = _admin(request)
    form = UserInviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.user_invite(by=admin, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("Compte créé pour %(name)s. Transmettez-lui son mot de passe initial.")
                % {"name": created},
            )
            return redirect("accounts:users")
    return render(
        request,
        "accounts/user_invite.html",
        {"form": form, **_settings_nav(admin, "users")},
        status=400 if form.errors else 200,
    )


@require_POST
@login_required
def user_role(request: HttpRequest, pk: int) -> HttpResponse:
    admin = _admin(request)
    colleague = _colleague(admin, pk)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choisissez un rôle de la liste."))
        return redirect("accounts:users")
    try:
        services.user_set_role(user=colleague, role=form.cleaned_data["role"], by=admin)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(
            request,
            _("%(name)s a maintenant le rôle « %(role)s ».")
            % {"name": colleague, "role": colleague.get_role_display()},
        )
    return redirect("accounts:users")


@require_POST
@login_required
def user_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    admin = _admin(request)
    colleague = _colleague(admin, pk)
    try:
        services.user_deactivate(user=colleague, by=admin)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(
            request,
            _(
                "%(name)s est en sommeil : sa connexion est refusée, son historique reste "
                "visible. Vous pouvez le réactiver à tout moment."
            )
            % {"name": colleague},
        )
    return redirect("accounts:users")


@require_POST
@login_required
def user_reactivate(request: HttpRequest, pk: int) -> HttpResponse:
    admin = _admin(request)
    colleague = _colleague(admin, pk)
    extension = colleague.extension
    services.user_reactivate(user=colleague, by=admin)
    messages.success(request, _("%(name)s peut de nouveau se connecter.") % {"name": colleague})
    if extension and not colleague.extension:
        messages.warning(
            request,
            _(
                "Son poste %(extension)s, attribué entre-temps à un autre collègue, est effacé : "
                "indiquez-lui un nouveau poste."
            )
            % {"extension": extension},
        )
    return redirect("accounts:users")


@require_POST
@login_required
def user_unlock(request: HttpRequest, pk: int) -> HttpResponse:
    """Lift a colleague's sign-in lockout after too many wrong passwords."""
    admin = _admin(request)
    colleague = _colleague(admin, pk)
    services.user_unlock(user=colleague, by=admin)
    messages.success(
        request,
        _("Connexion débloquée : %(name)s peut réessayer de se connecter dès maintenant.")
        % {"name": colleague},
    )
    return redirect("accounts:users")


# --- My account ------------------------------------------------------------------------------


@login_required
def account(request: HttpRequest) -> HttpResponse:
    """Réglages › Mon compte: who I am, my extension, my API tokens (a new one is shown once)."""
    user = _user(request)
    return _account_page(request, user, ExtensionForm(initial={"extension": user.extension}))


def _account_page(request: HttpRequest, user: User, extension_form: ExtensionForm) -> HttpResponse:
    new_token = request.session.pop(NEW_TOKEN_SESSION_KEY, None)
    return render(
        request,
        "accounts/account.html",
        {
            "tokens": selectors.api_tokens_for(user),
            "token_form": ApiTokenForm(),
            "new_token": new_token,
            "extension_form": extension_form,
            **_settings_nav(user, "account"),
        },
        status=400 if extension_form.errors else 200,
    )


@require_POST
@login_required
def account_extension(request: HttpRequest) -> HttpResponse:
    """Mon compte: a user sets (or clears) their own phone extension."""
    user = _user(request)
    form = ExtensionForm(request.POST)
    if form.is_valid():
        try:
            services.user_set_extension(
                user=user, extension=form.cleaned_data["extension"], by=user
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _extension_saved(user, user))
            return redirect("accounts:account")
    return _account_page(request, user, form)


@require_POST
@login_required
def token_create(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if user.workspace_id is None:
        raise PermissionDenied
    form = ApiTokenForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Le nom du jeton fait 100 caractères au plus."))
        return redirect("accounts:account")
    label = form.cleaned_data["label"].strip() or _("Jeton d'API")
    request.session[NEW_TOKEN_SESSION_KEY] = services.api_token_issue(user=user, label=label)
    return redirect("accounts:account")


@require_POST
@login_required
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    try:
        token = selectors.api_tokens_for(user).get(pk=pk)
    except ApiToken.DoesNotExist:
        raise Http404 from None
    services.api_token_revoke(token=token, by=user)
    messages.success(
        request,
        _("Jeton « %(label)s » révoqué : il ne fonctionne plus.") % {"label": token.label},
    )
    return redirect("accounts:account")
