from django import forms
from django.contrib import admin
from django.utils import timezone

from articles.workflow import is_editor
from reviewers.models import Credential, Disclosure, Reviewer

# What a credential says; a change to any of it needs the check made again.
CREDENTIAL_TERMS = ["kind", "number", "issuing_body", "region", "valid_until"]


class CredentialForm(forms.ModelForm):
    """The editor ticks "verified" once they have checked the credential with its issuing body;
    the tick records who and when. Whoever saves a change to what it says with the tick on
    vouches for the new terms and is recorded as the verifier; untick to withdraw a check."""

    verified = forms.BooleanField(
        required=False,
        help_text="Tick once you have checked it with the issuing body (its public register).",
    )

    class Meta:
        model = Credential
        fields = CREDENTIAL_TERMS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["verified"].initial = self.instance.verified_at is not None

    def clean(self):
        cleaned = super().clean()
        reviewer = self.instance.reviewer if self.instance.reviewer_id else None
        if cleaned.get("verified") and reviewer and reviewer.user_id == self.request.user.pk:
            self.add_error("verified", "You cannot verify your own credentials.")
        return cleaned

    def save(self, commit=True):
        credential = super().save(commit=False)
        changed_terms = set(self.changed_data) & set(CREDENTIAL_TERMS)
        if not self.cleaned_data["verified"]:
            credential.verified_by, credential.verified_at = None, None
        elif credential.verified_at is None or changed_terms:
            credential.verified_by, credential.verified_at = self.request.user, timezone.now()
        if commit:
            credential.save()
        return credential


class CredentialInline(admin.TabularInline):
    model = Credential
    form = CredentialForm
    extra = 0
    fields = [*CREDENTIAL_TERMS, "verified", "verification", "number_is_public"]
    readonly_fields = ["verification", "number_is_public"]

    @admin.display(description="checked")
    def verification(self, credential):
        if credential.verified_at is None:
            return "not verified"
        by = credential.verified_by.get_full_name() or credential.verified_by.get_username()
        return f"by {by}, {timezone.localdate(credential.verified_at):%d %b %Y}"

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form = type(formset.form.__name__, (formset.form,), {"request": request})
        return formset


class ReviewerForm(forms.ModelForm):
    """Editors manage reviewer profiles, but an approval speaks for the physician whose account
    made it: only a superuser changes which account an existing profile signs with, or links a
    profile to their own account."""

    class Meta:
        model = Reviewer
        fields = ["name", "slug", "credentials", "specialty", "specialties", "bio", "photo",
                  "user", "is_active"]  # fmt: skip

    def clean_user(self):
        user = self.cleaned_data.get("user")
        if self.request.user.is_superuser:
            return user
        if user is not None and user.pk == self.request.user.pk:
            raise forms.ValidationError(
                "You cannot link a reviewer profile to your own account; ask an administrator."
            )
        if self.instance.pk is not None and (user and user.pk) != self.instance.user_id:
            raise forms.ValidationError(
                "Only an administrator changes the account an existing profile signs with: "
                "approvals made under the profile must stay with the person who made them."
            )
        return user


@admin.register(Reviewer)
class ReviewerAdmin(admin.ModelAdmin):
    form = ReviewerForm
    list_display = ["name", "credentials", "specialty", "user", "is_active"]
    list_filter = ["is_active", "specialty"]
    search_fields = ["name", "slug", "specialty"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["user", "photo"]
    inlines = [CredentialInline]
    fields = ["name", "slug", "credentials", "specialty", "specialties", "bio", "photo", "user",
              "is_active"]  # fmt: skip
    filter_horizontal = ["specialties"]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        return type(form.__name__, (form,), {"request": request})


@admin.register(Disclosure)
class DisclosureAdmin(admin.ModelAdmin):
    """Each writer and reviewer keeps their own disclosures; editors see everyone's. An ended
    one is given a last day rather than deleted: approvals recorded what was in effect."""

    list_display = ["statement", "user", "valid_from", "valid_until"]
    list_filter = ["valid_until"]
    search_fields = ["statement", "user__username", "user__first_name", "user__last_name"]
    autocomplete_fields = ["user"]

    def get_queryset(self, request):
        disclosures = super().get_queryset(request).select_related("user")
        return disclosures if is_editor(request.user) else disclosures.filter(user=request.user)

    def get_fields(self, request, obj=None):
        fields = ["statement", "valid_from", "valid_until"]
        return ["user", *fields] if is_editor(request.user) else fields

    def save_model(self, request, obj, form, change):
        if not is_editor(request.user):
            obj.user = request.user
        super().save_model(request, obj, form, change)
