from django.conf import settings
from django.db import models


class StaffIdentity(models.Model):
    """A person as the identity provider knows them (issuer and subject, never the e-mail address,
    which can change hands) and the portal account they sign in to."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_identities")
    issuer = models.CharField(max_length=255)
    subject = models.CharField(max_length=255)
    first_signed_in_at = models.DateTimeField(auto_now_add=True)
    last_signed_in_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "staff identities"
        constraints = [models.UniqueConstraint(fields=["issuer", "subject"], name="one_account_per_identity")]

    def __str__(self):
        return f"{self.subject} at {self.issuer}"
