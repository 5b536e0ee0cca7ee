/*
 * lottrace.c — module entry: PG_MODULE_MAGIC, settings and start-up hooks.
 *
 * Everything else lives in files named after their concern.
 */
#include "postgres.h"

#include <limits.h>

#include "fmgr.h"
#include "utils/guc.h"

#include "attach.h"
#include "config.h"
#include "lottrace.h"
#include "moves.h"
#include "held_rows.h"
#include "register_write.h"
#include "serial_write.h"
#include "triggers.h"

PG_MODULE_MAGIC;

char	   *lt_default_status = NULL;
char	   *lt_expired_status = NULL;
char	   *lt_status_note = NULL;
int			lt_debug_chunk_rows = 0;
int			lt_debug_lot_passes = 0;
bool		lt_direct_writes = true;

void		_PG_init(void);

/*
 * Settings are superuser-set (PGC_SUSET) so an ERP role cannot, for example,
 * make its new lots skip quarantine: set them with ALTER DATABASE / ALTER
 * SYSTEM, or in postgresql.conf.
 */
void
_PG_init(void)
{
	DefineCustomStringVariable("lottrace.default_status",
							   "Status given to a new lot whose item has no initial_status.",
							   "Must name a row of lottrace.lot_status.",
							   &lt_default_status,
							   "AVAILABLE",
							   PGC_SUSET, 0,
							   NULL, NULL, NULL);
	DefineCustomStringVariable("lottrace.expired_status",
							   "Status lottrace.refresh_expiry() gives to lots past their block date.",
							   "Must name a row of lottrace.lot_status.",
							   &lt_expired_status,
							   "EXPIRED",
							   PGC_SUSET, 0,
							   NULL, NULL, NULL);
	DefineCustomStringVariable("lottrace.status_note",
							   "Note written into lottrace.lot_status_log with status changes.",
							   "Set it (SET LOCAL) before an UPDATE of lottrace.lot.status to say why; lottrace.set_lot_status() sets it from its note argument.",
							   &lt_status_note,
							   "",
							   PGC_USERSET, 0,
							   NULL, NULL, NULL);
	DefineCustomIntVariable("lottrace.debug_chunk_rows",
							"Developer setting: write the registers every this many rows of a statement (0: by memory, the default).",
							"Tests use it to cut small statements into many chunks, the way a statement of tens of thousands of lots is cut.",
							&lt_debug_chunk_rows,
							0, 0, INT_MAX,
							PGC_SUSET, GUC_NOT_IN_SAMPLE,
							NULL, NULL, NULL);
	DefineCustomIntVariable("lottrace.debug_lot_passes",
							"Developer setting: a statement whose lots fill a chunk is read again in this many lot passes (0: as many as memory needs, when they save writes).",
							"Tests use it with lottrace.debug_chunk_rows to read small statements in passes, the way a statement of many lots in random order is read.",
							&lt_debug_lot_passes,
							0, 0, 64,
							PGC_SUSET, GUC_NOT_IN_SAMPLE,
							NULL, NULL, NULL);
	DefineCustomBoolVariable("lottrace.direct_writes",
							 "Write the stock updates of lots without a load with the table AM instead of an SPI UPDATE.",
							 "Off: every register write goes through SPI. The two write the same rows with the same locks and triggers; benchmarks compare them.",
							 &lt_direct_writes,
							 true,
							 PGC_SUSET, GUC_NOT_IN_SAMPLE,
							 NULL, NULL, NULL);
#if PG_VERSION_NUM >= 150000
	MarkGUCPrefixReserved("lottrace");
#else
	EmitWarningsOnPlaceholders("lottrace");
#endif

	lt_config_init();
	lt_attach_init();
	lt_moves_init();
	lt_held_init();
	lt_register_write_init();
	lt_serial_write_init();
	lt_trigger_when_init();
}
