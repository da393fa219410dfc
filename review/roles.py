"""The four staff roles and the groups that carry their permissions (created by migration 0002)."""

ROLE_GROUPS = {
    "editor": "Editors",
    "reviewer": "Clinical reviewers",
    "publisher": "Publishers",
    "admin": "Site administrators",
}
