/*
 * errors.c: the text of each status code.
 */
#include "convo.h"

const char *
convo_strerror(int status)
{
	switch (status) {
	case CONVO_OK:
		return "success";
	case CONVO_ENOMEM:
		return "out of memory";
	case CONVO_EDATA:
		return "bad input data";
	case CONVO_EIO:
		return "input/output error";
	case CONVO_EBUSY:
		return "database is busy";
	case CONVO_ESCHEMA:
		return "database written by a newer version of convo";
	case CONVO_EDB:
		return "database error";
	case CONVO_ENOENT:
		return "no such file";
	case CONVO_EUSAGE:
		return "invalid argument";
	case CONVO_ECREATE:
		return "cannot create or open the database";
	case CONVO_EINTERNAL:
		return "internal error";
	case CONVO_ENOTFOUND:
		return "not found";
	}
	return "unknown error";
}
