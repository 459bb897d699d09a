#ifndef TICKETING_SERVER_DOMAIN_PRIORITY_H_
#define TICKETING_SERVER_DOMAIN_PRIORITY_H_

#include "ticketing/v1/ticket.pb.h"

namespace ticketing::domain {

// The priority of a ticket from its impact and urgency (unspecified counts as MEDIUM):
//
//                 urgency HIGH   MEDIUM   LOW
//   impact HIGH           P1     P2       P3
//          MEDIUM         P2     P3       P4
//          LOW            P3     P4       P4
v1::Priority PriorityFromMatrix(v1::Impact impact, v1::Urgency urgency);

}  // namespace ticketing::domain

#endif  // TICKETING_SERVER_DOMAIN_PRIORITY_H_
