import { api, ApiError } from '../api';
import { h, replace } from '../dom';
import { Session, saveSession } from '../session';

/** Sign-in with the member's email and password (POST /v1/auth/token). */
export function showSignIn(main: HTMLElement): void {
  const error = h('p', { id: 'sign-in-error', role: 'alert', class: 'error' });
  const email = h('input', { id: 'email', name: 'email', type: 'email', autocomplete: 'username', required: true });
  const password = h('input', { id: 'password', name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const submit = h('button', { type: 'submit' }, 'Sign in');
  const form = h(
    'form',
    { 'aria-describedby': 'sign-in-error' },
    h('label', { for: 'email' }, 'Email'),
    email,
    h('label', { for: 'password' }, 'Password'),
    password,
    submit,
    error,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    submit.disabled = true;
    error.textContent = '';
    api<{ accessToken: string; memberId: string; role: Session['role'] }>('/v1/auth/token', { method: 'POST', body: { email: email.value, password: password.value } })
      .then((answer) => {
        saveSession({ ...answer, email: email.value });
        location.hash = '#/live';
      })
      .catch((e: unknown) => {
        error.textContent = e instanceof ApiError && e.status === 401 ? 'Wrong email or password.' : `Sign-in failed: ${(e as Error).message}`;
        submit.disabled = false;
        password.focus();
      });
  });
  replace(main, h('section', { class: 'card narrow' }, h('h1', {}, 'Sign in'), h('p', {}, 'Members of the co-op: use the email and password of your account.'), form));
  email.focus();
}
