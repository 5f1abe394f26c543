"""Copy folding: a sentence joins the first group whose head it repeats, from another article."""

from hypothesis import given, settings
from hypothesis import strategies as st

from index.evidence import Judged, fold_copies
from index.judging.views import Judgement, SentenceView
from index.records import ArticleRef, SentenceHit
from index.text.provenance import similar_sizes

# The lexical rules' own behaviour, as PROVENANCE_VERIFIER=off judges (tests/conftest.py).
JUDGE = "lexical"

WORDS = "oil price rose bank rate cut minister said talks wheat export tonnes yen".split()


def judged(text: str, article: str, score: float, stance: str = "supports") -> Judged:
    hit = SentenceHit(ArticleRef(article, None, None, None, None, None), 0, text, (0, 1), None, 1)
    return Judged(hit, SentenceView.of(text, None), Judgement(score, stance, {}))


def reference_fold(items: list[Judged]) -> list[list[Judged]]:
    """Every candidate meets every group head in turn: the rule, written plainly."""
    groups: list[list[Judged]] = []
    for j in sorted(items, key=lambda j: -j.judgement.score):
        for g in groups:
            head = g[0].view.terms
            shared = len(head & j.view.terms)
            others = {m.hit.article.id for m in g}
            same_stance = g[0].judgement.stance == j.judgement.stance
            if (
                j.hit.article.id not in others
                and same_stance
                and similar_sizes(shared, len(head), len(j.view.terms))
            ):
                g.append(j)
                break
        else:
            groups.append([j])
    return groups


sentences = st.lists(st.sampled_from(WORDS), min_size=0, max_size=9).map(" ".join)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(sentences, st.sampled_from("abcd"), st.sampled_from(["supports", "refutes"])),
        max_size=25,
    )
)
def test_matrix_folding_groups_as_the_plain_rule_does(rows):
    items = [
        judged(text, article, 1 - i / 100, stance) for i, (text, article, stance) in enumerate(rows)
    ]
    expected = [[id(j) for j in g] for g in reference_fold(items)]
    assert [[id(j) for j in g] for g in fold_copies(items)] == expected


def test_a_wire_copy_folds_but_a_second_sentence_of_the_same_article_does_not():
    lead = judged("Oil prices rose as the bank cut its rate, the minister said.", "a", 0.9)
    copy = judged("Oil prices rose as the bank cut its rate, a minister said.", "b", 0.8)
    same_article = judged("Oil prices rose as the bank cut its rate, the minister said.", "a", 0.7)
    groups = fold_copies([same_article, copy, lead])
    assert [[j.hit.article.id for j in g] for g in groups] == [["a", "b"], ["a"]]


def test_a_near_copy_with_another_stance_is_its_own_item():
    claim_year = judged("The bridge will reopen to traffic in May 2026.", "a", 0.9)
    other_year = judged("The bridge will reopen to traffic in May 2027.", "b", 0.95, "refutes")
    groups = fold_copies([claim_year, other_year])
    assert [[j.hit.article.id for j in g] for g in groups] == [["b"], ["a"]]
