/* counterdesk-sync: the delivery daemon, counterdesk-sync(8). The loop is
 * the core's (src/sync_worker.c); this is options, signals and the
 * connection to the main database. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "config.h"
#include "db.h"
#include "error.h"
#include "exitcode.h"
#include "i18n.h"
#include "sync.h"

static void on_term(int sig)
{
	(void)sig;
	cd_sync_request_stop();
}

static void on_hup(int sig)
{
	(void)sig;
	cd_sync_request_reload();
}

static void usage(FILE *f)
{
	fputs(_("Usage: counterdesk-sync [--config FILE] [-U LOGIN] [--name NAME] [--once] [--syslog]\n"
		"Delivers the outbox to the department systems of [paths] targets.\n"
		"SIGTERM finishes the batch in hand and exits; SIGHUP rereads the targets.\n"), f);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "name", required_argument, NULL, 'n' },
		{ "once", no_argument, NULL, 'o' },
		{ "syslog", no_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *config_arg = NULL, *user = NULL, *name_arg = NULL;
	struct cd_worker_opts o = { 0 };
	struct cd_config *cfg;
	struct cd_error err;
	struct cd_db *db;
	struct sigaction sa;
	char msg[1024], name[96], host[64] = "localhost";
	int c, rc;

	i18n_init(NULL);
	while ((c = getopt_long(argc, argv, "U:h", opts, NULL)) != -1) {
		switch (c) {
		case 'c': config_arg = optarg; break;
		case 'U': user = optarg; break;
		case 'n': name_arg = optarg; break;
		case 'o': o.once = true; break;
		case 's': o.use_syslog = true; break;
		case 'h': usage(stdout); return CD_EXIT_OK;
		default: usage(stderr); return CD_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		usage(stderr);
		return CD_EXIT_USAGE;
	}
	if (o.use_syslog)
		openlog("counterdesk-sync", LOG_PID, LOG_DAEMON);
	if (cd_config_load(cd_config_path(config_arg), &cfg, msg, sizeof(msg)) < 0) {
		fprintf(stderr, "counterdesk-sync: %s\n", msg);
		return CD_EXIT_CONFIG;
	}
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_term; /* no SA_RESTART: a wait ends at once */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = on_hup;
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);

	db = cd_db_open(cfg->db_conninfo, user, NULL, "counterdesk-sync", &err);
	if (!db) {
		fprintf(stderr, "counterdesk-sync: %s: %s\n", err.message, err.detail);
		cd_config_free(&cfg);
		return cd_error_exit(&err);
	}
	gethostname(host, sizeof(host) - 1);
	snprintf(name, sizeof(name), "%s:%ld", host, (long)getpid());
	o.name = name_arg ? name_arg : name;
	o.batch = cfg->sync_batch;
	o.poll_seconds = cfg->sync_poll_seconds;
	o.lease_seconds = cfg->sync_lease_seconds;
	o.targets_dir = cfg->targets_dir;
	rc = cd_sync_run(db, &o);
	cd_db_close(&db);
	cd_config_free(&cfg);
	return rc;
}
