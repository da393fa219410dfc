"""The staff roles and the groups that carry their permissions (created by migrations 0002 and 0005)."""

ROLE_GROUPS = {
    "editor": "Editors",
    "reviewer": "Clinical reviewers",
    # Clinical reviewers who read both languages: only they sign off a translation (review/sign_off.py).
    "translation_reviewer": "Bilingual clinical reviewers",
    "publisher": "Publishers",
    "admin": "Site administrators",
}
