// ChargesService: the quote, the customer's decision and the payment.
#include "server/domain/fieldwork/charges_service.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "proto/base/status_macros.h"
#include "server/domain/tickets/state_machine.h"
#include "server/domain/base/ticket_events.h"
#include "server/domain/base/validation.h"

namespace ticketing::domain {
namespace {

// A bound on a quote's size. With kMaxAmount per line, a total of kMaxQuoteLines lines
// stays far inside int64 (5e13 minor units), so the sum below cannot overflow.
constexpr int kMaxQuoteLines = 50;
constexpr int64_t kMaxAmount = 1'000'000'000'000;  // 10 billion in major units

// Amounts are checked non-negative, so no sign handling.
std::string Money(int64_t minor) {
  return absl::StrCat(minor / 100, ".", minor % 100 < 10 ? "0" : "", minor % 100);
}

absl::Status CheckQuote(const v1::SetQuoteRequest& r) {
  // "A detailed quote, explained" (docs/fieldwork.md, "Charges"): no quote without its
  // explanation.
  TKT_RETURN_IF_ERROR(CheckText("explanation", r.explanation(), kMaxLongTextChars, true));
  if (r.lines_size() > kMaxQuoteLines) {
    return absl::InvalidArgumentError(absl::StrCat("lines: at most ", kMaxQuoteLines));
  }
  if (r.lines().empty() && !r.warranty()) {
    return absl::InvalidArgumentError("lines: at least one line unless warranty");
  }
  for (int i = 0; i < r.lines_size(); ++i) {
    const v1::ChargeLine& line = r.lines(i);
    const std::string field = absl::StrCat("lines[", i, "].");
    if (line.kind() == v1::CHARGE_KIND_UNSPECIFIED || !v1::ChargeKind_IsValid(line.kind())) {
      return absl::InvalidArgumentError(field + "kind: must be LABOUR, PARTS, TRAVEL or OTHER");
    }
    TKT_RETURN_IF_ERROR(CheckLine(field + "description", line.description(), 200, true));
    if (line.amount() < 0 || line.amount() > kMaxAmount) {
      return absl::InvalidArgumentError(field + "amount: must be 0 or more (minor units)");
    }
    // Warranty work is free: every amount zero, and the warranty reference says why
    // (docs/fieldwork.md, "Charges").
    if (r.warranty() && line.amount() != 0) {
      return absl::InvalidArgumentError(field + "amount: warranty work is free of charge");
    }
  }
  if (r.warranty()) {
    TKT_RETURN_IF_ERROR(CheckLine("warranty_reference", r.warranty_reference(), 100, true));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<v1::Ticket> ChargesService::SetQuote(const Principal& actor,
                                                   const v1::SetQuoteRequest& request) {
  TKT_RETURN_IF_ERROR(CheckQuote(request));
  // No ticket version: a new quote is a new revision of whatever is stored, and the
  // customer's decision is checked against that revision, not the ticket's version.
  const TicketEdit edit = TicketEdit::Latest("ticket_id", request.ticket_id(), Action::kUpdate);
  auto mutate = [&](const v1::Ticket& current, TicketDraft& draft) {
    v1::Ticket& next = draft.next;
    v1::TicketEvent& event = draft.event;
    const absl::Time now = draft.now;
    TKT_RETURN_IF_ERROR(CheckOpen(current, "quote"));
    v1::Quote& quote = *next.mutable_quote();
    const int32_t revision = current.quote().revision() + 1;
    // A new revision replaces the whole quote, its decision and payment too: the customer
    // must decide again on what they are now shown.
    quote.Clear();
    quote.set_revision(revision);
    int64_t total = 0;
    for (const v1::ChargeLine& line : request.lines()) {
      *quote.add_lines() = line;
      total += line.amount();
    }
    quote.set_total(total);
    quote.set_explanation(request.explanation());
    quote.set_warranty(request.warranty());
    quote.set_warranty_reference(request.warranty_reference());
    quote.set_quoted_by(actor.name);
    ToTimestamp(now, quote.mutable_quote_time());
    quote.set_payment(v1::PAYMENT_STATUS_NOT_DUE);
    event.set_type(v1::EVENT_TYPE_CHARGE);
    RecordChange(event, "quote", current.has_quote() ? Money(current.quote().total()) : "",
                 request.warranty() ? absl::StrCat("0.00 (warranty ", request.warranty_reference(), ")")
                                    : Money(total));
    event.set_comment(request.explanation());
    return absl::OkStatus();
  };
  TKT_ASSIGN_OR_RETURN(auto result, core_.Edit(actor, edit, mutate));
  return std::move(result.ticket);
}

absl::StatusOr<v1::Ticket> ChargesService::RecordQuoteDecision(
    const Principal& actor, const v1::RecordQuoteDecisionRequest& request) {
  if (request.decision() == v1::QUOTE_DECISION_UNSPECIFIED ||
      !v1::QuoteDecision_IsValid(request.decision())) {
    return absl::InvalidArgumentError("decision: must be ACCEPTED or DECLINED");
  }
  TKT_RETURN_IF_ERROR(CheckLine("decided_by", request.decided_by(), kMaxNameChars, true));
  TKT_RETURN_IF_ERROR(CheckText("note", request.note(), kMaxLongTextChars, false));
  const TicketEdit edit = TicketEdit::Latest("ticket_id", request.ticket_id(), Action::kUpdate);
  auto mutate = [&](const v1::Ticket& current, TicketDraft& draft) {
    v1::Ticket& next = draft.next;
    v1::TicketEvent& event = draft.event;
    const absl::Time now = draft.now;
    if (!current.has_quote()) {
      return absl::FailedPreconditionError(absl::StrCat("ticket ", current.id(), " has no quote"));
    }
    // The revision is the quote's version: a decision on a quote since replaced would accept
    // charges the customer never saw (ABORTED, like a stale ticket version).
    if (request.revision() != current.quote().revision()) {
      return absl::AbortedError(absl::StrCat("the quote of ", current.id(), " is at revision ",
                                             current.quote().revision(), ", not ",
                                             request.revision(), ": show the customer the new one"));
    }
    if (current.quote().decision() != v1::QUOTE_DECISION_UNSPECIFIED) {
      return absl::FailedPreconditionError("this quote is already decided; quote again to change it");
    }
    v1::Quote& quote = *next.mutable_quote();
    quote.set_decision(request.decision());
    quote.set_decided_by(request.decided_by());
    ToTimestamp(now, quote.mutable_decision_time());
    const bool due = request.decision() == v1::QUOTE_DECISION_ACCEPTED && quote.total() > 0;
    quote.set_payment(due ? v1::PAYMENT_STATUS_DUE : v1::PAYMENT_STATUS_NOT_DUE);
    event.set_type(v1::EVENT_TYPE_CHARGE);
    RecordChange(event, "quote.decision", "",
                 absl::StrCat(absl::StripPrefix(v1::QuoteDecision_Name(request.decision()),
                                                "QUOTE_DECISION_"),
                              " by ", request.decided_by()));
    event.set_comment(request.note());
    return absl::OkStatus();
  };
  TKT_ASSIGN_OR_RETURN(auto result, core_.Edit(actor, edit, mutate));
  return std::move(result.ticket);
}

absl::StatusOr<v1::Ticket> ChargesService::SetPaymentStatus(
    const Principal& actor, const v1::SetPaymentStatusRequest& request) {
  const v1::PaymentStatus to = request.payment();
  if (to != v1::PAYMENT_STATUS_DUE && to != v1::PAYMENT_STATUS_PAID &&
      to != v1::PAYMENT_STATUS_WAIVED) {
    return absl::InvalidArgumentError("payment: must be DUE, PAID or WAIVED");
  }
  TKT_RETURN_IF_ERROR(CheckText("note", request.note(), kMaxLongTextChars,
                                to == v1::PAYMENT_STATUS_WAIVED));
  // Payments are the desk's (Action::kSurvey: the desk deals with the customer). No
  // CheckOpen: the payment may come after the ticket is closed.
  const TicketEdit edit = TicketEdit::Latest("ticket_id", request.ticket_id(), Action::kSurvey);
  auto mutate = [&](const v1::Ticket& current, TicketDraft& draft) {
    v1::Ticket& next = draft.next;
    v1::TicketEvent& event = draft.event;
    if (current.quote().decision() != v1::QUOTE_DECISION_ACCEPTED || current.quote().total() == 0) {
      return absl::FailedPreconditionError(absl::StrCat(
          "ticket ", current.id(), " has no accepted quote with charges: nothing to pay"));
    }
    next.mutable_quote()->set_payment(to);
    event.set_type(v1::EVENT_TYPE_CHARGE);
    RecordChange(event, "quote.payment",
                 std::string(absl::StripPrefix(v1::PaymentStatus_Name(current.quote().payment()), "PAYMENT_STATUS_")),
                 std::string(absl::StripPrefix(v1::PaymentStatus_Name(to), "PAYMENT_STATUS_")));
    event.set_comment(request.note());
    return absl::OkStatus();
  };
  TKT_ASSIGN_OR_RETURN(auto result, core_.Edit(actor, edit, mutate));
  return std::move(result.ticket);
}

}  // namespace ticketing::domain
