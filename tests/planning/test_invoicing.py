"""The invoicing basis of March 2027, hand-computed: a municipal case that becomes an SFB
decision on 15 March (split inside a night line), an SFB decision whose granted hours run out,
a basansvar week for a private provider's client, and places bought by another municipality
(nights, a night across the month's end, a day visit). FK's hourly amount is 332.60 kr."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

import builders as kit
from scheduler.domain.scenario import Scenario
from scheduler.domain.timereport import ReportLine
from scheduler.planning.invoicing import invoice_rows, parse_month, totals
from scheduler.planning.performed import next_hours_performed, performed_hours


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    staff = [kit.staff(s) for s in ("A1", "A2", "A3")] + [kit.staff("B1", unit="K1")]
    clients = [
        kit.client("C1", decisions=[
            kit.decision("D1L", "2027-01-01", "2027-03-14", 70, kind="lss_assistance"),
            kit.decision("D1S", "2027-03-15", "2027-09-14", 10, kind="sfb_assistance")]),
        # 10 h granted for the first week of March only.
        kit.client("C2", decisions=[kit.decision("D2", "2027-03-01", "2027-03-07", 10)]),
        kit.client("C3", provider="PRIV1", decisions=[
            kit.decision("D3", "2027-03-08", "2027-03-14", 25, kind="ultimate_responsibility")]),
        kit.client("C4", "K1", paying_municipality="KOM2", windows=(),
                   decisions=[kit.decision("D4", kind="short_term_stay", per_week=0)]),
    ]
    bookings = [
        kit.booking("C4", "K1", "2027-03-05T16:00", "2027-03-07T16:00"),  # 2 nights
        kit.booking("C4", "K1", "2027-03-17T09:00", "2027-03-17T15:00"),  # a day visit
        kit.booking("C4", "K1", "2027-03-31T16:00", "2027-04-02T10:00"),  # 1 night in March
    ]
    return kit.scenario(clients, staff, start="2027-03-01", days=31,
                        units=[kit.unit("U1"), kit.unit("K1", "short_term_stay")],
                        bookings=bookings,
                        cost={"invoicing": {"provider_rates": {"PRIV1": 345},
                                            "place_prices": {"KOM2": {"per_night": 4200,
                                                                      "per_day": 2100}}}})


def line(staff: str, client: str, start: str, end: str, **fields: object) -> ReportLine:
    return ReportLine(staff=staff, client=client, start=datetime.fromisoformat(start),
                      end=datetime.fromisoformat(end), **fields)


def daily(staff: str, client: str, first: str, days: int, start: str, end: str
          ) -> list[ReportLine]:
    day = datetime.fromisoformat(first)
    return [line(staff, client, f"{day + timedelta(days=k):%Y-%m-%d}T{start}",
                 f"{day + timedelta(days=k):%Y-%m-%d}T{end}") for k in range(days)]


@pytest.fixture(scope="module")
def lines() -> list[ReportLine]:
    out = daily("A1", "C1", "2027-03-10", 10, "08:00", "12:00")  # 5 days LSS, 5 days SFB
    out.append(line("A2", "C1", "2027-03-14T22:00", "2027-03-15T02:00"))  # 2 h + 2 h
    out += daily("A2", "C2", "2027-03-01", 3, "08:00", "12:00")  # 12 h of 10 granted
    out += daily("A3", "C3", "2027-03-08", 5, "08:00", "13:00")  # 25 h basansvar
    out.append(line("A3", "C3", "2027-03-13T08:00", "2027-03-13T10:00", approved=False))
    out.append(line("A1", "C1", "2027-04-01T08:00", "2027-04-01T12:00"))  # April
    return out


def test_march_invoices_hand_computed(scenario: Scenario, lines: list[ReportLine]) -> None:
    rows = invoice_rows(scenario, lines, "2027-03")
    by = {(r.recipient_kind, r.client, r.decision, r.basis): r for r in rows}
    fk_c1 = by[("fk", "C1", "D1S", "hours")]
    assert (fk_c1.quantity, fk_c1.first_day) == (pytest.approx(22), "2027-03-15")
    assert fk_c1.amount == pytest.approx(22 * 332.60)  # 7 317.20
    own_c1 = by[("own", "C1", "D1L", "hours")]
    assert (own_c1.quantity, own_c1.amount, own_c1.last_day) == (pytest.approx(22), 0,
                                                                 "2027-03-14")
    assert by[("fk", "C2", "D2", "hours")].amount == pytest.approx(10 * 332.60)  # 3 326.00
    assert by[("own", "C2", "D2", "hours")].quantity == pytest.approx(2)  # not paid by FK
    basansvar = by[("provider", "C3", "D3", "hours")]
    assert (basansvar.recipient, basansvar.quantity, basansvar.amount) == (
        "PRIV1", pytest.approx(25), pytest.approx(25 * 345))  # the unapproved line is left out
    nights = by[("municipality", "C4", "", "nights")]
    assert (nights.quantity, nights.amount) == (3, pytest.approx(3 * 4200))
    assert by[("municipality", "C4", "", "days")].amount == pytest.approx(2100)
    assert totals(rows) == {
        "fk: Försäkringskassan": pytest.approx(7317.20 + 3326.00),
        "provider: PRIV1": pytest.approx(8625.00),
        "municipality: KOM2": pytest.approx(12600.00 + 2100.00),
    }


def test_april_gets_the_night_across_the_months_end(scenario: Scenario,
                                                    lines: list[ReportLine]) -> None:
    rows = invoice_rows(scenario, lines, "2027-04")
    nights = [r for r in rows if r.basis == "nights"]
    assert [(r.quantity, r.first_day) for r in nights] == [(1, "2027-04-01")]
    assert [r.amount for r in rows if r.recipient_kind == "fk"] == [pytest.approx(4 * 332.60)]


def test_provider_without_an_agreed_rate_pays_the_fk_amount(scenario: Scenario,
                                                            lines: list[ReportLine]) -> None:
    plain = scenario.model_copy(update={"cost": scenario.cost.model_copy(
        update={"invoicing": scenario.cost.invoicing.model_copy(
            update={"provider_rates": {}})})})
    rows = invoice_rows(plain, lines, "2027-03")
    assert [r.amount for r in rows if r.recipient_kind == "provider"] == [
        pytest.approx(25 * 332.60)]


def test_performed_hours_per_decision_and_month(scenario: Scenario,
                                                lines: list[ReportLine]) -> None:
    approved = [x for x in lines if x.approved]
    rows = {(r.decision, r.month): r for r in performed_hours(scenario, approved)}
    lss = rows[("D1L", "2027-03")]
    assert lss.charged_hours == pytest.approx(22)
    assert lss.granted_total_hours == pytest.approx(70 * 73 / 7)  # 1 Jan – 14 Mar: 73 days
    assert lss.remaining_hours == pytest.approx(70 * 73 / 7 - 22)
    sfb = [rows[("D1S", m)] for m in ("2027-03", "2027-04")]
    assert [r.charged_hours for r in sfb] == [pytest.approx(22), pytest.approx(4)]
    assert sfb[1].used_hours == pytest.approx(26)
    nxt = next_hours_performed(scenario, approved)
    assert nxt["D1S"] == pytest.approx(26) and nxt["D2"] == pytest.approx(12)


def test_jour_is_counted_as_the_decision_says() -> None:
    scenario = kit.scenario([kit.client("C1", decisions=[
        kit.decision("D1", "2027-01-01", "2027-12-31", 100, on_call_counts_as=0.25)])])
    night = line("A1", "C1", "2027-01-04T21:00", "2027-01-05T07:00", on_call_hours=9)
    rows = performed_hours(scenario, [night])
    assert [(r.awake_hours, r.jour_hours, r.charged_hours) for r in rows] == [
        (pytest.approx(1), pytest.approx(9), pytest.approx(1 + 9 * 0.25))]


def test_a_bad_month_is_refused() -> None:
    with pytest.raises(ValueError, match="YYYY-MM"):
        parse_month("March")
    assert parse_month("2027-12")[1].isoformat() == "2028-01-01"
