"""What staff keep about themselves in the editorial API: a reviewer's credentials (editors
record and verify them in the admin; the reviewer reads them here and decides whether the public
may see their numbers), and anyone's disclosures of interests."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets

from articles.api.editorial import IsStaff
from reviewers.models import Credential, Disclosure


class OwnCredentialSerializer(serializers.ModelSerializer):
    verified = serializers.SerializerMethodField(help_text="Whether an editor has checked it.")
    in_force = serializers.SerializerMethodField(
        help_text="Verified and in date today: one such credential lets you approve."
    )

    class Meta:
        model = Credential
        fields = ("id", "kind", "number", "issuing_body", "region", "valid_until", "verified",
                  "verified_at", "in_force", "number_is_public")  # fmt: skip
        read_only_fields = fields[:-1]  # the rest is an editor's to record
        extra_kwargs = {
            "id": {"help_text": "The credential's id, for PATCH."},
            "kind": {"help_text": "licence, board_certification or registration."},
            "verified_at": {"help_text": "When an editor checked it; null until then."},
        }

    def get_verified(self, credential) -> bool:
        return credential.verified_at is not None

    def get_in_force(self, credential) -> bool:
        return credential.in_force()

    def validate(self, data):
        refused = set(self.initial_data) - {"number_is_public"}
        if refused:
            raise serializers.ValidationError(
                f"Only number_is_public can be changed here; an editor records "
                f"{', '.join(sorted(refused))} in the admin."
            )
        return data


@extend_schema_view(
    list=extend_schema(description="Your licences and certifications, as editors recorded them."),
    retrieve=extend_schema(description="One of your credentials."),
    partial_update=extend_schema(
        description="Choose whether the public profile and articles print the number "
        "(`number_is_public`); nothing else is yours to change."
    ),
)
class OwnCredentialViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    permission_classes = [IsStaff]
    serializer_class = OwnCredentialSerializer
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no user
            return Credential.objects.none()
        return Credential.objects.filter(reviewer__user=self.request.user).order_by("pk")


class OwnDisclosureSerializer(serializers.ModelSerializer):
    class Meta:
        model = Disclosure
        fields = ("id", "statement", "valid_from", "valid_until", "recorded_at")
        read_only_fields = ("id", "recorded_at")
        extra_kwargs = {
            "id": {"help_text": "The disclosure's id, for PATCH."},
            "valid_from": {"help_text": "The first day it holds; today if omitted."},
            "recorded_at": {"help_text": "When it was recorded."},
        }

    def validate(self, data):
        # A new one starts today unless it says otherwise (the model's default).
        starts = data.get("valid_from", getattr(self.instance, "valid_from", None))
        starts = starts or timezone.localdate()
        ends = data.get("valid_until", getattr(self.instance, "valid_until", None))
        if starts and ends and ends < starts:
            raise serializers.ValidationError({"valid_until": "It cannot end before it starts."})
        return data


@extend_schema_view(
    list=extend_schema(description="Your disclosures of interests, in effect or ended."),
    retrieve=extend_schema(description="One of your disclosures."),
    create=extend_schema(
        description='Record a disclosure, e.g. "Receives speaking fees from Acme Medical." or '
        '"No conflicts declared."; those in effect are copied onto each approval you give, and '
        "onto the approvals of articles you wrote."
    ),
    partial_update=extend_schema(
        description="Correct a disclosure or end it (`valid_until`); approvals already given "
        "keep what they recorded."
    ),
)
class OwnDisclosureViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    permission_classes = [IsStaff]
    serializer_class = OwnDisclosureSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no user
            return Disclosure.objects.none()
        return Disclosure.objects.filter(user=self.request.user).order_by("valid_from", "pk")

    def perform_create(self, serializer):
        serializer.save(user=self.request.user)
