/* The workbench's entry point. No curses types here: src/cli.c includes it. */
#ifndef CD_TUI_H
#define CD_TUI_H

struct cd_config;

/* Runs the full-screen workbench until the user quits; returns the exit code. */
int tui_run(const struct cd_config *cfg, const char *initial_login);

#endif
