"""The category tree (`Category.parent`), loaded once and walked in memory: the one place that knows how.

Every walk of the tree goes through `CategoryTree`: the archive's "this category and its subcategories",
the sidebar, the sitemap, the front-cache purge, the admin's cycle check and the WordPress import. The
data may hold a cycle (an import, a database edit): every walk here ends anyway.
"""


class CategoryTree:
    def __init__(self, rows):
        """`rows`: (pk, parent_id) of every category."""
        self.parent_of = dict(rows)
        self.children_of = {}
        for pk, parent_id in self.parent_of.items():
            if parent_id is not None and parent_id != pk:
                self.children_of.setdefault(parent_id, []).append(pk)

    @classmethod
    def load(cls):
        from .models import Category

        return cls(Category.objects.values_list("pk", "parent_id"))

    def with_descendants(self, pk):
        """`pk` and every category below it."""
        found, frontier = {pk}, [pk]
        while frontier:
            frontier = [child for item in frontier for child in self.children_of.get(item, []) if child not in found]
            found.update(frontier)
        return found

    def ancestors(self, pk):
        """The categories above `pk`, nearest first."""
        found, current = [], self.parent_of.get(pk)
        while current is not None and current != pk and current not in found:
            found.append(current)
            current = self.parent_of.get(current)
        return found

    def nested(self, categories, keep):
        """Nodes {"category", "children"} for `categories` (ordered as given, e.g. by name) below their
        parents, roots first; `keep(category, children)` decides whether a node is listed."""
        by_parent = {}
        for category in categories:
            by_parent.setdefault(category.parent_id, []).append(category)

        def nodes(parent_id, path):
            found = []
            for category in by_parent.get(parent_id, []):
                if category.pk in path:
                    continue  # a cycle in the data: never loop
                children = nodes(category.pk, path | {category.pk})
                if keep(category, children):
                    found.append({"category": category, "children": children})
            return found

        return nodes(None, frozenset())

    def would_cycle(self, pk, new_parent_id):
        """True if putting `pk` below `new_parent_id` would put it below itself."""
        return new_parent_id is not None and (new_parent_id == pk or new_parent_id in self.with_descendants(pk))
