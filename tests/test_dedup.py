import os
import re
import struct
import subprocess
import sys
from hashlib import blake2s

from newsearch.indexer.dedup import (
    BANDS,
    BINS,
    EMPTY,
    MIN_SHINGLES,
    SHINGLE,
    THRESHOLD,
    band_keys,
    fingerprint,
    is_duplicate,
    similarity,
)

STORY = """Central bank raises rates to curb inflation

The central bank raised its main interest rate by a quarter of a percentage point on Thursday,
the third increase this year, as policymakers tried to cool prices that have risen faster than
expected since the spring.

The decision, taken by a vote of seven to two, lifts the benchmark rate to 4.75%. Two members of
the monetary policy committee argued for keeping rates on hold, warning that households were
already struggling with higher energy bills and the cost of food.

The governor told reporters that the committee would not hesitate to act again if inflation
showed signs of becoming entrenched. "We have seen wage growth pick up and firms tell us they
plan to pass on higher costs to their customers," he said.

Financial markets had largely expected the move, and the currency was little changed after the
announcement. Economists at several large banks said they now expected one further increase
before the end of the year, followed by a long pause.

Mortgage lenders were quick to respond. At least two of the biggest said they would raise their
variable rates from next month, adding around twenty pounds to the monthly repayment on a typical
home loan. Business groups said the rise would hit small firms hardest, since many of them rely
on overdrafts and short term loans to manage their cash flow through the winter months.
"""

# The same wire copy as another outlet runs it: new headline, three words changed, a sentence
# added, re-wrapped lines and different case.
EDITED = """RATE RISE AS BANK MOVES TO TAME PRICES

The central bank raised its main interest rate by a quarter of a percentage point on Thursday, the third increase this year, as policymakers tried to cool prices that have climbed faster than expected since the spring.

The decision, taken by a vote of seven to two, lifts the benchmark rate to 4.75%. Two members of the monetary policy committee argued for keeping rates on hold, warning that families were already struggling with higher energy bills and the cost of food.

The governor told reporters that the committee would not hesitate to act again if inflation showed signs of becoming entrenched. "We have seen wage growth pick up and firms tell us they plan to pass on higher costs to their customers," he said. The next decision is due in six weeks.

Financial markets had largely expected the move, and the currency was little changed after the announcement. Economists at several big banks said they now expected one further increase before the end of the year, followed by a long pause.

Mortgage lenders were quick to respond. At least two of the biggest said they would raise their variable rates from next month, adding around twenty pounds to the monthly repayment on a typical home loan. Business groups said the rise would hit small firms hardest, since many of them rely on overdrafts and short term loans to manage their cash flow through the winter months.
"""

# Another story on the same topic, written separately: same vocabulary, different sentences.
OTHER = """Savers gain as banks lift deposit rates

Banks and building societies have started to pass higher interest rates on to savers, weeks
after the central bank lifted its benchmark rate for the third time this year.

Several of the largest lenders raised the rates on their instant access accounts on Monday,
although consumer groups said many savers were still earning far less than the rate of
inflation and urged them to shop around for a better deal.

Analysts said competition for deposits had increased because lenders needed cash to fund new
mortgages, and smaller banks had been the first to offer rates above four percent on fixed term
bonds. The biggest high street names have been slower to follow, prompting criticism from
members of parliament who accused them of profiting from the gap between what they charge
borrowers and what they pay savers.

One industry body said the average easy access account now paid just over two percent, up from
almost nothing eighteen months ago. Pensioners who rely on interest income were among those most
likely to benefit, it said, but warned that the real value of savings was still being eroded by
rising prices for energy, food and rent.
"""


def test_identical_texts_have_similarity_one():
    fp = fingerprint(STORY)
    assert fp is not None and len(fp) == 4 * BINS
    assert similarity(fp, fingerprint(STORY)) == 1.0
    assert is_duplicate(fp, fp)


def test_case_and_whitespace_do_not_change_the_fingerprint():
    messy = "  \n".join(re.sub(r"\s+", "   ", line.upper()) for line in STORY.splitlines())
    assert fingerprint(messy) == fingerprint(STORY)


def test_lightly_edited_copy_is_a_duplicate():
    a, b = fingerprint(STORY), fingerprint(EDITED)
    assert a != b
    assert THRESHOLD <= similarity(a, b) < 1.0
    assert is_duplicate(a, b) and is_duplicate(b, a)


def test_different_story_on_the_same_topic_is_not_a_duplicate():
    a, b = fingerprint(STORY), fingerprint(OTHER)
    assert similarity(a, b) < 0.2
    assert not is_duplicate(a, b)


def test_short_texts_get_no_fingerprint():
    assert fingerprint("") is None
    assert fingerprint("Markets closed higher on Friday.") is None
    words = [f"word{i}" for i in range(SHINGLE + MIN_SHINGLES - 1)]
    assert fingerprint(" ".join(words[:-1])) is None
    assert fingerprint(" ".join(words)) is not None


def test_short_unrelated_texts_do_not_collide():
    a = fingerprint(
        "Police closed the motorway for three hours after a lorry overturned near the bridge"
    )
    b = fingerprint(
        "The orchestra will tour eleven cities next spring with a programme of new music"
    )
    assert a is not None and b is not None
    # Mostly empty bins: they must count for nothing, not as agreement.
    assert EMPTY in struct.unpack(f"<{BINS}I", a)
    assert similarity(a, b) == 0.0
    assert band_keys(a) == [] and band_keys(b) == []


def test_empty_bins_never_count_as_a_match():
    empty = struct.pack(f"<{BINS}I", *[EMPTY] * BINS)
    one = struct.pack(f"<{BINS}I", 7, *[EMPTY] * (BINS - 1))
    other = struct.pack(f"<{BINS}I", 7, 9, *[EMPTY] * (BINS - 2))
    assert similarity(empty, empty) == 0.0
    assert similarity(one, empty) == 0.0
    assert similarity(one, other) == 1.0  # only bin 0 is filled in both, and it agrees
    assert band_keys(empty) == []


def test_band_keys_shape():
    keys = band_keys(fingerprint(STORY))
    assert 8 <= len(keys) <= BANDS
    assert all(re.fullmatch(r"\d\d:[0-9a-f]{8}", k) for k in keys)
    bands = [int(k[:2]) for k in keys]
    assert bands == sorted(set(bands)) and bands[-1] < BANDS


def test_band_keys_shared_by_duplicates_not_by_unrelated():
    story, edited, other = (set(band_keys(fingerprint(t))) for t in (STORY, EDITED, OTHER))
    assert story == set(band_keys(fingerprint(STORY)))
    assert len(story & edited) >= 2
    assert not story & other and not edited & other


def test_fingerprint_is_the_same_in_other_processes():
    code = "import sys; from newsearch.indexer.dedup import fingerprint; print(fingerprint(sys.stdin.read()).hex())"
    here = fingerprint(STORY).hex()
    for seed in ("1", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        out = subprocess.run(
            [sys.executable, "-c", code],
            input=STORY,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        assert out.stdout.strip() == here


def test_fingerprint_format_is_pinned():
    # Fingerprints are kept beside the index (clusters.sqlite): a change here makes old ones incomparable with new
    # ones, so it must come with a schema FORMAT bump (and then this value is updated).
    assert blake2s(fingerprint(STORY), digest_size=8).hexdigest() == PINNED


PINNED = "b9eb4995b61f0e42"
