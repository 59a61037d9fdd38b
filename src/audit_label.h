/* Words for the audit log's action codes (core.audit.action). */
#ifndef CD_AUDIT_LABEL_H
#define CD_AUDIT_LABEL_H

/* What the action code means, in the interface language; an unknown code
 * (a later migration's) comes back as it is. Never NULL for a non-NULL
 * code; "" for NULL. */
const char *cd_audit_action_label(const char *action);

#endif
