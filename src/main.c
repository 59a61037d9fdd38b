/* counterdesk: the workbench (no arguments) or a command (see counterdesk(1)). */
#include "cli.h"

int main(int argc, char **argv)
{
	return cli_main(argc, argv);
}
