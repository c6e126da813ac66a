#include "config.h"

#include "daemon/admin.h"
#include "daemon/api.h"
#include "daemon/db.h"

/* The list came back from vp_community_list(). */
static void
admin_communities_listed(const struct db_reply *r, void *arg)
{
	api_reply_db(arg, r, 200);
}

/* GET /v1/communities: every community, by code. */
void
admin_communities_list(struct http_request *hr, void *db_pool)
{
	db_query(db_pool, "SELECT vp_community_list()", 0, NULL,
	    admin_communities_listed, hr);
}
