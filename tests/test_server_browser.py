"""The search page in a real headless Chromium (Debian's), driven by Playwright.

Skips when Playwright or /usr/bin/chromium is missing; Playwright's own browser download is
never used. Screenshots are kept under the test's tmp dir.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

sync_api = pytest.importorskip(
    "playwright.sync_api", reason="playwright is not installed (pip install -e '.[test]')"
)
CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    # CI installs Chromium and sets this, so the page is never left untested there.
    if os.environ.get("NEWSEARCH_REQUIRE_BROWSER"):
        raise RuntimeError("NEWSEARCH_REQUIRE_BROWSER is set but /usr/bin/chromium is missing")
    pytest.skip(
        "no Chromium at /usr/bin/chromium (apt-get install chromium)", allow_module_level=True
    )

expect = sync_api.expect
from newsearch import NewsIndex  # noqa: E402
from newsearch.server import make_app  # noqa: E402
from newsearch.server.httpd import start  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
EVIL = {
    "id": "evil-1",
    "title": '<img src=x onerror="window.hacked=1"> Zebra crossing <b>repainted</b>',
    "text": "The zebra crossing <script>window.hacked=2</script> outside the school was "
    "repainted on Friday after parents asked the council for brighter markings. " * 3,
    "source": "<i>Local</i> Desk",
    "date": "2024-03-01",
}


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    where = tmp_path_factory.mktemp("browser")
    extra = where / "evil.jsonl"
    extra.write_text(json.dumps(EVIL) + "\n", encoding="utf-8")
    ix = NewsIndex.create(where / "ix")
    report = ix.add_files([ROOT / "seeds", ROOT / "tests" / "newscorpus" / "articles.jsonl", extra])
    assert report.added == 48 and not report.failed
    ix.close()
    server = start(make_app(where / "ix"))
    yield server.url
    server.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any, base_url: str) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 1000}, base_url=base_url)
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    errors: list[str] = []
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    yield tab
    context.close()
    assert errors == []  # no script error on the page, whatever the test did


def search(page: Any, text: str) -> None:
    page.fill("#q", text)
    page.press("#q", "Enter")
    page.wait_for_selector(".hit")


def test_search_finds_the_seed_first_with_highlights(page: Any, tmp_path: Path) -> None:
    page.goto("/")
    search(page, "Mueller inquiry")
    first = page.locator(".hit").first
    assert "Sergei Lavrov" in first.locator("h3").inner_text()
    marks = {m.lower() for m in first.locator(".snippet mark").all_inner_texts()}
    assert {"mueller", "inquiry"} <= marks
    assert re.search(r"[?&]q=Mueller\+inquiry", page.url)
    page.wait_for_selector("#timeline:not([hidden]) .bars button")
    assert page.get_attribute('[data-month="2017-09"]', "aria-label") == "2017-09: 1 matches"
    assert page.locator(".bars button").count() >= 82  # every month 2017-09 … 2024-06
    shot = tmp_path / "search.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    print(f"screenshot: {shot}")


def test_a_facet_filters_and_lives_in_the_url(page: Any) -> None:
    page.goto("/")
    search(page, "inquiry")
    unfiltered = page.locator(".hit").count()
    page.click('[data-facet="source"][data-value="BBC News"]')
    page.wait_for_url(re.compile(r"source=BBC\+News"))
    expect(page.locator(".hit .source")).to_have_text(["BBC News"] * 3)
    assert (
        page.get_attribute('[data-facet="source"][data-value="BBC News"]', "aria-pressed") == "true"
    )
    page.click("#filters button")  # the "source: BBC News ✕" chip
    page.wait_for_url(lambda url: "source=" not in url)
    expect(page.locator(".hit")).to_have_count(unfiltered)
    assert unfiltered > 3


def test_paging_and_the_back_button(page: Any) -> None:
    page.goto("/")
    search(page, "said")
    first_page = page.locator(".hit h3").first.inner_text()
    page.click("#pager >> text=Next →")
    page.wait_for_url(re.compile(r"page=2"))
    expect(page.locator("#status")).to_contain_text("showing 11–")
    assert page.locator(".hit h3").first.inner_text() != first_page
    page.go_back()
    expect(page.locator("#status")).to_contain_text("showing 1–10")
    assert page.locator(".hit h3").first.inner_text() == first_page


def test_an_article_opens_in_full_and_its_link_can_be_shared(page: Any, tmp_path: Path) -> None:
    page.goto("/")
    search(page, "Mueller inquiry")
    title = page.locator(".hit h3").first.inner_text()
    page.locator(".hit h3 a").first.click()
    page.wait_for_selector("dialog#reader[open]")
    assert page.inner_text("#reader-title") == title
    assert "Mueller" in page.locator("#reader-body mark").all_inner_texts()
    assert "article=" in page.url
    page.screenshot(path=str(tmp_path / "article.png"))
    shared = page.url
    page.keyboard.press("Escape")
    page.wait_for_selector("dialog#reader:not([open])", state="attached")
    page.wait_for_url(lambda url: "article=" not in url)
    page.goto(shared)  # the shared link opens the same article
    page.wait_for_selector("dialog#reader[open]")
    assert page.inner_text("#reader-title") == title


def test_similar_copies_expand(page: Any) -> None:
    page.goto("/?q=port+chief+resigns")
    button = page.locator("button.copies").first
    assert button.inner_text() == "+3 similar"
    button.click()
    assert button.get_attribute("aria-expanded") == "true"
    expect(page.locator(".copies-list li")).to_have_count(3)


def test_did_you_mean_and_errors_with_hints(page: Any) -> None:
    page.goto("/")
    page.fill("#q", "Kowalczik")
    page.press("#q", "Enter")
    page.wait_for_selector("#suggestion:not([hidden])")
    page.click("#suggestion-link")
    page.wait_for_url(re.compile(r"q=kowalczyk"))
    page.wait_for_selector(".hit")
    page.fill("#since", "garbage")
    page.press("#q", "Enter")
    page.wait_for_selector("#status.error")
    assert "not a date: 'garbage'" in page.inner_text("#status")
    assert "YYYY-MM-DD" in page.inner_text("#status")  # the hint, as the CLI prints it


def test_the_keyboard_alone_works(page: Any) -> None:
    page.goto("/")
    page.evaluate("document.activeElement.blur()")
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "q"
    page.keyboard.type("inquiry")
    page.keyboard.press("Enter")
    page.wait_for_selector(".hit")
    page.focus('[data-facet="tag"][data-value="courts"]')
    page.keyboard.press("Tab")
    page.keyboard.press("Shift+Tab")  # focus by keyboard: the focus ring shows
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid"
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"tag=courts"))


def test_a_month_of_the_timeline_narrows_the_dates(page: Any) -> None:
    page.goto("/?q=inquiry")
    page.wait_for_selector(".bars button")
    assert page.locator('.bars button[tabindex="0"]').count() == 1  # one tab stop for them all
    page.focus('.bars button[tabindex="0"]')  # the newest month, 2024-06
    page.keyboard.press("ArrowLeft")
    assert page.evaluate("document.activeElement.dataset.month") == "2024-05"
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"since=2024-06&until=2024-06"))
    page.wait_for_selector('#results[data-for="?q=inquiry&since=2024-06&until=2024-06"]')
    dates = page.locator(".hit time").all_inner_texts()
    assert dates and all(d.startswith("2024-06") for d in dates)
    assert page.locator(".bars button").count() > 12  # the overview stays, the month marked
    assert page.get_attribute('[data-month="2024-06"]', "aria-pressed") == "true"
    assert page.get_attribute('[data-month="2024-05"]', "aria-pressed") == "false"


def test_article_text_is_shown_as_text_never_as_markup(page: Any) -> None:
    page.goto("/?q=zebra")
    page.wait_for_selector(".hit")
    assert page.locator(".hit h3").first.inner_text() == EVIL["title"]
    assert page.locator("#hits img, #hits b, #hits script, #facets i").count() == 0
    assert "<i>Local</i> Desk" in page.inner_text("#facets")
    page.locator(".hit h3 a").first.click()
    page.wait_for_selector("dialog#reader[open]")
    assert "<script>" in page.inner_text("#reader-body")
    assert page.evaluate("window.hacked") is None
