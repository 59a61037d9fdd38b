/* The paper a window hands over with a case's result (receipt.h,
 * cd_result_text), built from the case and its timeline: the notice that
 * the case is complete, listing each department's approval, or the decision
 * not to grant it, with the deciding department and its reason. */
#ifndef CD_RESULT_PAPER_H
#define CD_RESULT_PAPER_H

#include <stddef.h>

#include "error.h"

struct cd_db;
struct cd_case;
struct cd_case_event;
struct cd_handover;

/* Pure: the text from what the database said (malloc'd). */
char *cd_result_paper_build(const struct cd_case *c, const struct cd_case_event *ev, size_t nev,
			    const struct cd_handover *h, const char *centre_name,
			    const char *clerk, int window_no);

/* Reads the case and its timeline (two statements) and builds the text;
 * *text malloc'd. */
int cd_result_paper_fetch(struct cd_db *db, const char *case_no, const struct cd_handover *h,
			  const char *centre_name, const char *clerk, int window_no, char **text,
			  struct cd_error *err);

#endif
