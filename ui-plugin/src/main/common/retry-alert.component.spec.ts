import { Component } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { RetryAlertComponent } from './retry-alert.component';

@Component({
  standalone: true,
  imports: [RetryAlertComponent],
  template: `<cse-retry-alert kind="cse-list-error" [message]="message" (retry)="retries = retries + 1" />`,
})
class HostComponent {
  message = 'Cloud Director did not answer in time';
  retries = 0;
}

describe('RetryAlertComponent', () => {
  it('shows the reason in a danger alert of the given kind, and Retry asks again', () => {
    const fixture = TestBed.createComponent(HostComponent);
    fixture.detectChanges();
    const alert = fixture.nativeElement.querySelector('.alert') as HTMLElement;
    expect(alert.classList).toContain('alert-danger');
    expect(alert.classList).toContain('cse-list-error');
    expect(alert.getAttribute('role')).toBe('alert');
    expect(alert.querySelector('.alert-text')?.textContent).toBe('Cloud Director did not answer in time');
    (alert.querySelector('.cse-retry') as HTMLButtonElement).click();
    (alert.querySelector('.cse-retry') as HTMLButtonElement).click();
    expect(fixture.componentInstance.retries).toBe(2);
  });
});
