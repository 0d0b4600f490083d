from django import forms
from django.contrib import admin

from reviewers.models import Reviewer


class ReviewerForm(forms.ModelForm):
    """Editors manage reviewer profiles, but an approval speaks for the physician whose account
    made it: only a superuser changes which account an existing profile signs with, or links a
    profile to their own account."""

    class Meta:
        model = Reviewer
        fields = ["name", "slug", "credentials", "specialty", "bio", "photo", "user", "is_active"]

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
    fields = ["name", "slug", "credentials", "specialty", "bio", "photo", "user", "is_active"]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        return type(form.__name__, (form,), {"request": request})
