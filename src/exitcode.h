/* Exit codes of every counterdesk command: the CLI contract of counterdesk(1). */
#ifndef CD_EXITCODE_H
#define CD_EXITCODE_H

enum cd_exit {
	CD_EXIT_OK = 0,        /* success */
	CD_EXIT_NO = 1,        /* the answer is no: invalid input, not found, refused */
	CD_EXIT_USAGE = 2,     /* the command line itself is wrong */
	CD_EXIT_UNAVAIL = 69,  /* the database cannot be reached (EX_UNAVAILABLE) */
	CD_EXIT_SOFTWARE = 70, /* an unexpected error inside counterdesk or the database */
	CD_EXIT_NOPERM = 77,   /* the database refused for lack of rights (EX_NOPERM) */
	CD_EXIT_CONFIG = 78,   /* configuration error (EX_CONFIG) */
};

#endif
