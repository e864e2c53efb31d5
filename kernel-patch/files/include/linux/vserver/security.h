/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Linux-VServer: the vserver LSM's checks on the VFS's hottest paths.
 *
 * Every stat, open, create and unlink passes these checks, most of them
 * once per path component, and every send and every received packet the
 * two socket ones.  As LSM hooks they would cost every host task
 * an indirect call each just to learn that it is in no context: 6.1 has
 * no static calls for LSM hooks, and its hook lists are read-only after
 * boot, so a hook cannot be added when the first context appears.  So
 * security/security.c calls them directly, as it calls IMA and EVM, and
 * each call is a patched-out jump (the vx_active static key) until the
 * first context or network context exists; after that, most of them
 * concern guests only, and the host and the spectator pass with an
 * inline test of their xid.  The rest of the module's hooks stay hooks:
 * they sit on colder paths.
 *
 * With "lsm=" leaving the module out no context can be made, so the
 * gated checks never run; the two that run for everyone (a new inode
 * starts untagged, a tagged filesystem tags it) read no blob of ours then
 * (security/vserver/fs.c: vx_sb_flags()).
 */
#ifndef _LINUX_VSERVER_SECURITY_H
#define _LINUX_VSERVER_SECURITY_H

#include <linux/fs.h>
#include <linux/jump_label.h>
#include <linux/vserver/context.h>
#include <linux/vserver/inode.h>

struct dentry;
struct msghdr;
struct path;
struct sk_buff;
struct sock;
struct socket;

#ifdef CONFIG_SECURITY_VSERVER

/* security/vserver/fs.c, limit.c, ipc.c: the checks themselves. */
void vx_inode_alloc_tag(struct inode *inode);
int vx_inode_permission(struct inode *inode, int mask);
int vx_inode_create(struct inode *dir);
int vx_inode_unlink(struct inode *dir, struct dentry *dentry);
int vx_path_confined(const struct path *dir);
int vx_file_open(struct file *file);
int vx_file_alloc(struct file *file);
void vx_file_free(struct file *file);
void vx_d_instantiate(struct dentry *dentry, struct inode *inode);
int vx_socket_sendmsg(struct socket *sock, struct msghdr *msg);
int vx_sock_rcv_skb(struct sock *sk, struct sk_buff *skb);

/* Is current a guest task (neither the host nor the spectator)? */
static inline bool vx_security_guest(void)
{
	return static_branch_unlikely(&vx_active) &&
	       vx_is_guest_xid(vx_task_xid(current));
}

/* A new inode starts untagged; on devpts it takes its maker's xid. */
static inline void vx_security_inode_alloc(struct inode *inode)
{
	inode->i_tag = 0;
	if (vx_security_guest())
		vx_inode_alloc_tag(inode);
}

/* A tagged filesystem's new inode takes its tag (any task, host too). */
static inline void vx_security_inode_init(struct inode *inode)
{
	vx_inode_init_tag(inode);
}

static inline int vx_security_inode_permission(struct inode *inode, int mask)
{
	if (!vx_security_guest())
		return 0;
	return vx_inode_permission(inode, mask);
}

static inline int vx_security_inode_create(struct inode *dir)
{
	if (!vx_security_guest())
		return 0;
	return vx_inode_create(dir);
}

static inline int vx_security_inode_unlink(struct inode *dir,
					   struct dentry *dentry)
{
	if (!vx_security_guest())
		return 0;
	return vx_inode_unlink(dir, dentry);
}

/* path_mknod and path_unlink: the directory must lie below the root. */
static inline int vx_security_path_confined(const struct path *dir)
{
	if (!vx_security_guest())
		return 0;
	return vx_path_confined(dir);
}

static inline int vx_security_file_open(struct file *file)
{
	if (!vx_security_guest())
		return 0;
	return vx_file_open(file);
}

/* NOFILE: a guest's file is charged when made, uncharged when freed. */
static inline int vx_security_file_alloc(struct file *file)
{
	if (!static_branch_unlikely(&vx_active) || !vx_task_info(current))
		return 0;
	return vx_file_alloc(file);
}

static inline void vx_security_file_free(struct file *file)
{
	if (file->f_vx_info)
		vx_file_free(file);
}

static inline void vx_security_d_instantiate(struct dentry *dentry,
					     struct inode *inode)
{
	if (vx_security_guest())
		vx_d_instantiate(dentry, inode);
}

/* A network context's socket sends from its own addresses only. */
static inline int vx_security_socket_sendmsg(struct socket *sock,
					     struct msghdr *msg)
{
	if (!static_branch_unlikely(&vx_active))
		return 0;
	return vx_socket_sendmsg(sock, msg);
}

/* ... and its raw sockets see the packets to its own addresses only. */
static inline int vx_security_sock_rcv_skb(struct sock *sk,
					   struct sk_buff *skb)
{
	if (!static_branch_unlikely(&vx_active))
		return 0;
	return vx_sock_rcv_skb(sk, skb);
}

#else /* !CONFIG_SECURITY_VSERVER */

static inline void vx_security_inode_alloc(struct inode *inode) { }
static inline void vx_security_inode_init(struct inode *inode) { }
static inline int vx_security_inode_permission(struct inode *inode, int mask)
{
	return 0;
}
static inline int vx_security_inode_create(struct inode *dir)
{
	return 0;
}
static inline int vx_security_inode_unlink(struct inode *dir,
					   struct dentry *dentry)
{
	return 0;
}
static inline int vx_security_path_confined(const struct path *dir)
{
	return 0;
}
static inline int vx_security_file_open(struct file *file)
{
	return 0;
}
static inline int vx_security_file_alloc(struct file *file)
{
	return 0;
}
static inline void vx_security_file_free(struct file *file) { }
static inline void vx_security_d_instantiate(struct dentry *dentry,
					     struct inode *inode) { }
static inline int vx_security_socket_sendmsg(struct socket *sock,
					     struct msghdr *msg)
{
	return 0;
}
static inline int vx_security_sock_rcv_skb(struct sock *sk,
					   struct sk_buff *skb)
{
	return 0;
}

#endif /* CONFIG_SECURITY_VSERVER */

#endif /* _LINUX_VSERVER_SECURITY_H */
