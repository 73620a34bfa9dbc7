"""data/channels/products.py: which product a customer's free text names."""

from __future__ import annotations

import pytest

from helpdesk.data.channels.products import guess_product

PRODUCTS = ["Fenix+", "Fenix+ 2", "Fenix+ 3", "Fenix+ Academy", "FireGuard 2", "FireGuard 3", "Fenix Server",
            "Fenix Server Academy"]  # fmt: skip


@pytest.mark.parametrize(
    "text, product",
    [("Не работает Fenix+ 3 после обновления", "Fenix+ 3"), ("Fenix+ не стартует", "Fenix+"),
     ("fenix server academy на стенде", "Fenix Server Academy"), ("Fenix Server: ошибка", "Fenix Server"),
     ("FireGuard 3.", "FireGuard 3"), ("FireGuard 30 — нет такого", None), ("Fenix+3 не ставится", "Fenix+ 3"), ("Фениксы и прочее", None), ("", None),
     ("У нас Fenix+ Academy", "Fenix+ Academy")],
)  # fmt: skip
def test_guess_product_takes_the_longest_name(text, product):
    assert guess_product(text, PRODUCTS) == product
