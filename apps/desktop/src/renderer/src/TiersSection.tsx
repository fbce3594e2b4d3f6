// Account screen: the creator's subscription tiers, created and edited offline (they are part of the
// catalog document and sync like posts). Prices are typed like "$9.99" or "9,99"; each problem is said
// next to its field.
import { useEffect, useState, type FormEvent } from 'react';
import { formatMoneyLocale, toDecimalString, type CurrencyCode, type Tier } from '@fanz/core';
import { useStudio } from './store';
import { formError, type FormError } from './errors';
import { Field } from './FormField';
import { afterFees, currencyChoices, parsePrice } from './price-input';

interface TierForm {
  id?: string;
  name: string;
  price: string;
  currency: CurrencyCode;
  interval: 'month' | 'year';
  benefits: string;
  active: boolean;
}

const blank = (currency: CurrencyCode): TierForm => ({ name: '', price: '', currency, interval: 'month', benefits: '', active: true });

export function TiersSection() {
  const client = useStudio((s) => s.client)!;
  const posts = useStudio((s) => s.posts);
  const [tiers, setTiers] = useState<Tier[] | null>(null);
  const [form, setForm] = useState<TierForm>(blank('USD'));
  const [error, setError] = useState<FormError | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const load = () => client.api.tiersList().then(setTiers, () => setTiers([]));
  // Posts sync with tiers (one document): a tier edited on another device arrives with them.
  useEffect(() => void load(), [client, posts]);
  const set = <K extends keyof TierForm>(k: K, v: TierForm[K]) => setForm((f) => ({ ...f, [k]: v }));

  const save = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setNotice(null);
    const price = parsePrice(form.price, form.currency);
    if (!price.ok) {
      setError({ message: null, fields: { price: price.message.replace('A pay-per-view price', 'A tier price') } });
      return;
    }
    try {
      const saved = await client.api.tierSave({
        ...(form.id ? { id: form.id } : {}),
        name: form.name,
        price: price.money,
        interval: form.interval,
        benefits: form.benefits.split('\n').map((b) => b.trim()).filter(Boolean),
        active: form.active,
      });
      setNotice(`Saved “${saved.name}”. It reaches your page when the studio syncs.`);
      setForm(blank(form.currency));
      await load();
    } catch (err) {
      setError(formError(err, ['name', 'price', 'interval', 'benefits']));
    }
  };
  const edit = (t: Tier) =>
    setForm({ id: t.id, name: t.name, price: toDecimalString(t.price), currency: t.price.currency, interval: t.interval, benefits: t.benefits.join('\n'), active: t.active });
  const f = error?.fields ?? {};
  const preview = form.price.trim() ? parsePrice(form.price, form.currency) : null;

  return (
    <section className="panel narrow" aria-labelledby="tiers-title" data-testid="tiers">
      <h2 id="tiers-title">Subscription tiers</h2>
      {tiers === null ? <p role="status">Loading tiers…</p> : null}
      {tiers?.length === 0 ? <p className="muted">No tiers yet. Fans subscribe to a tier to see your subscriber posts.</p> : null}
      <ul className="tier-list">
        {tiers?.map((t) => (
          <li key={t.id} data-testid="tier-row">
            <strong>{t.name}</strong> · {formatMoneyLocale(t.price)} a {t.interval}
            {t.active ? '' : ' · hidden from fans'}
            {t.benefits.length ? <span className="muted small"> · {t.benefits.join(', ')}</span> : null}{' '}
            <button type="button" className="link" onClick={() => edit(t)} aria-label={`Edit ${t.name}`}>
              Edit
            </button>
          </li>
        ))}
      </ul>
      <form onSubmit={(e) => void save(e)} noValidate data-testid="tier-form">
        <h3>{form.id ? 'Edit tier' : 'New tier'}</h3>
        <Field name="name" label="Name" error={f.name} hint="For example “Supporter”. Up to 80 characters.">
          {(a) => <input {...a} value={form.name} onChange={(e) => set('name', e.target.value)} data-testid="tier-name" />}
        </Field>
        <div className="row price-row">
          <Field name="price" label="Price" error={f.price} hint={preview?.ok ? `You receive ${afterFees(preview.money)} per ${form.interval} after the platform fee.` : 'For example 9.99, $9.99 or 9,99.'}>
            {(a) => <input {...a} inputMode="decimal" value={form.price} onChange={(e) => set('price', e.target.value)} data-testid="tier-price" />}
          </Field>
          <Field name="currency" label="Currency">
            {(a) => (
              <select {...a} value={form.currency} onChange={(e) => set('currency', e.target.value as CurrencyCode)}>
                {[...new Set([...currencyChoices(null), form.currency])].map((c) => (
                  <option key={c}>{c}</option>
                ))}
              </select>
            )}
          </Field>
          <Field name="interval" label="Billed" error={f.interval}>
            {(a) => (
              <select {...a} value={form.interval} onChange={(e) => set('interval', e.target.value as 'month' | 'year')} data-testid="tier-interval">
                <option value="month">Monthly</option>
                <option value="year">Yearly</option>
              </select>
            )}
          </Field>
        </div>
        <Field name="benefits" label="Benefits" error={f.benefits} hint="One per line, up to 20.">
          {(a) => <textarea {...a} rows={3} value={form.benefits} onChange={(e) => set('benefits', e.target.value)} data-testid="tier-benefits" />}
        </Field>
        <label className="check">
          <input type="checkbox" checked={form.active} onChange={(e) => set('active', e.target.checked)} />
          Offered to fans
        </label>
        <div className="row">
          <button type="submit" className="primary" data-testid="tier-save">
            {form.id ? 'Save tier' : 'Add tier'}
          </button>
          {form.id ? (
            <button type="button" onClick={() => setForm(blank(form.currency))}>
              Cancel
            </button>
          ) : null}
        </div>
        {error?.message ? <p className="error" role="alert">{error.message}</p> : null}
        {notice ? <p role="status" className="notice" data-testid="tier-notice">{notice}</p> : null}
      </form>
    </section>
  );
}
