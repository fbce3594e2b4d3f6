// Posts: the list (status and price in words, times in the creator's zone) and the editor (PostEditor.tsx).
import { formatMoneyLocale } from '@fanz/core';
import { useStudio } from './store';
import { PostEditor } from './PostEditor';
import { statusLabel } from './post-form';

export function PostsScreen() {
  const { posts, editingPostId, editPost } = useStudio();
  const current = posts.find((p) => p.id === editingPostId) ?? null;
  return (
    <section className="posts">
      <aside className="post-list" aria-label="Your posts">
        <button className="primary" data-testid="post-new" onClick={() => editPost(null)}>
          New post
        </button>
        {posts.length === 0 ? <p className="muted">No posts yet. Write your first one on the right.</p> : null}
        <ul>
          {posts.map((p) => (
            <li key={p.id}>
              <button data-testid="post-item" className={p.id === editingPostId ? 'active' : ''} onClick={() => editPost(p.id)}>
                <strong>{p.title || 'Untitled post'}</strong>
                <span className="muted small">
                  {p.visibility === 'pay_per_view' && p.price ? `${formatMoneyLocale(p.price)} · ` : p.visibility === 'subscribers' ? 'Subscribers · ' : 'Free · '}
                  {statusLabel(p)}
                </span>
              </button>
            </li>
          ))}
        </ul>
      </aside>
      <PostEditor post={current} onSaved={(id) => editPost(id)} />
    </section>
  );
}
