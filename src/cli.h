/* The command line: counterdesk <noun> <verb> [options]. One handler per noun
 * (cmd_*.c), all over the same core functions as the TUI. */
#ifndef CD_CLI_H
#define CD_CLI_H

#include <stdbool.h>

struct cd_config;
struct cd_db;
struct cd_error;

struct cli {
	const char *config_arg; /* --config */
	const char *user;       /* -U */
	bool json;              /* --json anywhere on the line */
	struct cd_config *cfg;  /* loaded on first use */
	struct cd_db *db;       /* connected on first use */
};

/* Loads the configuration; on failure prints why and returns an exit code. */
int cli_config(struct cli *cli);
/* Connects (asking for a password on the terminal when the server wants one
 * that $PGPASSWORD and ~/.pgpass did not give); returns 0 or an exit code. */
int cli_connect(struct cli *cli);
/* Prints the error in the user's language and returns its exit code. */
int cli_fail(const struct cd_error *err);
/* Prints "counterdesk: " + a usage complaint and returns CD_EXIT_USAGE. */
int cli_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* True when argv[i] asks for help. */
bool cli_is_help(const char *arg);

int cmd_check(struct cli *cli, int argc, char **argv);
int cmd_key(struct cli *cli, int argc, char **argv);
int cmd_db(struct cli *cli, int argc, char **argv);
int cmd_dept(struct cli *cli, int argc, char **argv);
int cmd_staff(struct cli *cli, int argc, char **argv);
int cmd_audit(struct cli *cli, int argc, char **argv);
int cmd_forms(struct cli *cli, int argc, char **argv);
int cmd_case(struct cli *cli, int argc, char **argv);
int cmd_calendar(struct cli *cli, int argc, char **argv);
int cmd_ticket(struct cli *cli, int argc, char **argv);
int cmd_window(struct cli *cli, int argc, char **argv);
int cmd_hall(struct cli *cli, int argc, char **argv);
int cmd_green(struct cli *cli, int argc, char **argv);
int cmd_rating(struct cli *cli, int argc, char **argv);
int cmd_shared(struct cli *cli, int argc, char **argv);
int cmd_task(struct cli *cli, int argc, char **argv);
int cmd_sync(struct cli *cli, int argc, char **argv);
int cmd_report(struct cli *cli, int argc, char **argv);

/* The whole program: parses global options, runs a command or the TUI. */
int cli_main(int argc, char **argv);

#endif
